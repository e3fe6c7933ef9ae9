package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.util.UUID

/** PostgreSQL on the private cluster scripts/postgres.sh starts (JTL_CONNECT_TEST_PG, set by
 *  `make test-kotlin`); without it this test fails, it never skips. */
class PostgresTest {
    private fun server(): String = System.getenv("JTL_CONNECT_TEST_PG")
        ?: error("JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make test does)")

    /** psql, found as scripts/postgres.sh finds the server binaries. */
    private fun psql(): String {
        val dirs = System.getenv("PATH").orEmpty().split(":") +
            (File("/usr/lib/postgresql").list()?.map { "/usr/lib/postgresql/$it/bin" } ?: emptyList())
        return dirs.map { File(it, "psql") }.firstOrNull { it.canExecute() }?.path
            ?: error("psql not found (Debian package postgresql-client)")
    }

    private fun freshDatabase(): String {
        val name = "jtl_kt_" + UUID.randomUUID().toString().replace("-", "").take(12)
        val process = ProcessBuilder(psql(), server(), "-qc", "CREATE DATABASE $name").redirectErrorStream(true).start()
        val out = process.inputStream.bufferedReader().readText()
        check(process.waitFor() == 0) { out }
        return server().substringBeforeLast('/') + "/" + name
    }

    private fun cloud(store: AccountStore, id: String): CloudClient =
        when (val client = store.client(id)) {
            is AccountClient.Cloud -> client.client
            else -> error("expected a Cloud client, got $client")
        }

    @Test
    fun `a PostgreSQL store shares accounts and one token, other schemes are refused`() {
        TestEmulator().use { emulator ->
            val db = freshDatabase()
            val key = ByteArray(32) { 6 }
            val one = AccountStore(db, masterKey = key)
            val two = AccountStore(db, masterKey = key)
            val shop = one.add(
                "jtl-cloud",
                "Shop",
                mapOf("client_id" to emulator.clientId, "client_secret" to emulator.clientSecret, "environment" to emulator.url),
            )
            assertEquals(listOf("Shop"), two.list().map { it.name })
            assertFalse(two.get(shop.id).fields.containsKey("client_secret"))
            val first = cloud(one, shop.id).accessToken().expose()
            assertEquals(first, cloud(two, shop.id).accessToken().expose())
            assertEquals(1L, emulator.stat("token"), "the second handle read the shared token")
            assertEquals("config", assertThrows<JtlException> { AccountStore(db, masterKey = ByteArray(32) { 7 }) }.code)

            val bad = assertThrows<JtlException> { AccountStore("mysql://u:hunter2@h/db", masterKey = key) }
            assertEquals("invalid_input", bad.code)
            assertTrue(bad.description.contains("postgresql://") && !bad.description.contains("hunter2"), bad.description)
            val badCache = assertThrows<JtlException> {
                CloudClient(emulator.clientId, emulator.clientSecret, emulator.tenantId, emulator.endpoints(), tokenCache = "redis://h/0")
            }
            assertEquals("invalid_input", badCache.code)
        }
    }
}
