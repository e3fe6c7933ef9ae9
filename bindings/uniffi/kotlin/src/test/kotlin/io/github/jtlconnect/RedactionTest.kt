package io.github.jtlconnect

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.URLEncoder
import java.util.Base64

/**
 * Issue 14.3: a hostile server (the emulator's `echo` fault) repeats the client's credentials
 * in every field of its error answer, in every dialect; no part of the `JtlException` may
 * carry one: message, toString, code, description, errorCode, validation keys and values.
 * Covered: Cloud (client secret, its HTTP Basic value, access token), Wawi (API key),
 * SCX (refresh token, auth token).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedactionTest {
    private lateinit var emulator: TestEmulator

    private val shapes = listOf(null, "erp", "wawi", "oauth", "scx", "problem", "text", "cut")
    private val oddId = "kotlin-redaction-client"
    private val oddSecret = "Kt4/+ sécret=&x-9Rb2mVn7"

    @BeforeAll
    fun start() {
        emulator = TestEmulator()
        emulator.admin(
            "POST", "clients",
            """{"client_id":"$oddId","client_secret":"$oddSecret","tenants":["${emulator.tenantId}"]}""",
        )
    }

    @AfterAll
    fun stop() = emulator.close()

    private fun echo(service: String, shape: String?) {
        val shapeField = shape?.let { ""","shape":"$it"""" } ?: ""
        emulator.admin("POST", "faults", """{"service":"$service","kind":"echo"$shapeField}""")
    }

    /** Every text the exception shows. */
    private fun texts(e: JtlException): List<String> =
        listOfNotNull(e.message, e.toString(), e.code, e.description, e.errorCode, e.reason) +
            e.validationErrors.keys + e.validationErrors.values

    private fun forms(secret: String, clientId: String?): List<String> {
        val found = mutableListOf(
            secret,
            URLEncoder.encode(secret, Charsets.UTF_8),
            Base64.getEncoder().encodeToString(secret.toByteArray()),
        )
        if (clientId != null) {
            val pair = "$clientId:$secret".toByteArray()
            found += "$clientId:$secret"
            for (encoder in listOf(Base64.getEncoder(), Base64.getUrlEncoder())) {
                val encoded = encoder.encodeToString(pair)
                found += encoded
                found += encoded.trimEnd('=')
            }
        }
        return found
    }

    /** No form of a secret, and no 8 consecutive characters of one that are not also part of
     *  the public client id (a prefix a cut left behind). */
    private fun assertClean(what: String, e: JtlException, vararg secrets: Pair<String, String?>) {
        for (text in texts(e)) {
            for ((secret, clientId) in secrets) {
                for (form in forms(secret, clientId)) {
                    assertFalse(text.contains(form), "$what: '$form' in '$text'")
                }
                for (start in 0..secret.length - 8) {
                    val piece = secret.substring(start, start + 8)
                    if (clientId != null && clientId.contains(piece)) continue
                    assertFalse(text.contains(piece), "$what: '$piece' of a secret in '$text'")
                }
            }
        }
    }

    @Test
    fun `Cloud token endpoint echoes leave no client secret or Basic value`() {
        for ((id, secret) in listOf(emulator.clientId to emulator.clientSecret, oddId to oddSecret)) {
            for (shape in shapes) {
                echo("token", shape)
                CloudClient(id, secret, emulator.tenantId, emulator.endpoints()).use { client ->
                    val e = assertThrows<JtlException> { client.get("info") }
                    assertEquals(401, e.status, e.toString())
                    assertTrue(e.description.contains("***"), e.description)
                    assertClean("token $shape", e, secret to id)
                }
            }
        }
    }

    @Test
    fun `Cloud API echoes leave no access token and no client secret`() {
        CloudClient(oddId, oddSecret, emulator.tenantId, emulator.endpoints()).use { client ->
            for (shape in shapes) {
                val token = client.accessToken().expose()
                echo("api", shape)
                val e = assertThrows<JtlException> { client.get("info") }
                assertEquals(422, e.status, e.toString())
                assertClean("api $shape", e, token to null, oddSecret to oddId)
            }
            val basic = Base64.getEncoder().encodeToString("$oddId:$oddSecret".toByteArray())
            emulator.admin(
                "POST", "faults",
                """{"service":"api","status":400,"body":{"errorCode":"$oddSecret","errorMessage":"Basic $basic","validationErrors":{"$oddSecret":"$basic","$basic":"$oddSecret"}}}""",
            )
            val e = assertThrows<JtlException> { client.get("info") }
            assertEquals("***", e.errorCode)
            assertEquals(2, e.validationErrors.size, e.validationErrors.toString())
            assertClean("api body", e, oddSecret to oddId)
        }
    }

    @Test
    fun `Wawi echoes leave no API key`() {
        val key = TestEmulator.jsonString(emulator.admin("POST", "wawi/api-keys", """{"scopes":["all.read"]}"""), "api_key")!!
        WawiClient("${emulator.url}/api/eazybusiness", key, appId = "acme/kotlin-test", appVersion = "1.0.0").use { client ->
            for (shape in shapes) {
                echo("wawi", shape)
                val e = assertThrows<JtlException> { client.get("v1/items") }
                assertClean("wawi $shape", e, key to null)
            }
        }
    }

    @Test
    fun `SCX echoes leave no refresh token or auth token`() {
        val refresh = TestEmulator.jsonString(emulator.admin("POST", "scx/refresh-tokens", "{}"), "refresh_token")!!
        for (shape in shapes) {
            echo("scx_auth", shape)
            ScxClient(refresh, emulator.endpoints()).use { client ->
                val e = assertThrows<JtlException> { client.events() }
                assertClean("scx_auth $shape", e, refresh to null)
            }
            ScxClient(refresh, emulator.endpoints()).use { client ->
                val token = client.accessToken().expose()
                echo("scx", shape)
                val e = assertThrows<JtlException> { client.events() }
                assertClean("scx $shape", e, token to null, refresh to null)
            }
        }
    }
}
