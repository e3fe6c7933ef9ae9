package io.github.jtlconnect

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.time.Instant

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudClientTest {
    private lateinit var emulator: TestEmulator
    private lateinit var client: CloudClient

    @BeforeAll
    fun start() {
        emulator = TestEmulator()
        client = emulator.client()
    }

    @AfterAll
    fun stop() {
        client.close()
        emulator.close()
    }

    @Test
    fun `access token, then GET info with the tenant header`() {
        val token = client.accessToken()
        assertEquals(3, token.expose().split(".").size, "a JWT")
        assertTrue(token.expiresAt().isAfter(Instant.now().plusSeconds(30 * 60)), "an hour of lifetime")
        assertTrue(Regex("^[0-9a-f]{8}$").matches(token.fingerprint()))

        val response = client.get("info")
        assertEquals(200, response.status())
        assertEquals(emulator.tenantId, TestEmulator.jsonString(response.json(), "tenantId"))
        assertEquals("application/json", response.header("Content-Type"))
        assertTrue(response.headers().any { it.name == "content-type" })
        assertTrue(response.text().contains(emulator.tenantId))
        assertEquals(10000uL, response.rateLimit()?.limit)
        assertEquals(1, emulator.stat("token"), "the token is cached")
    }

    @Test
    fun `pagination over several pages`() {
        val ids = client.paginate("items", pageSize = 20u).asSequence().toList()
        assertEquals(60, ids.size, "the emulator has 60 items per tenant")
        assertEquals(60, ids.toSet().size, "no record twice")

        val page = client.page("items", 2uL, 25u)
        assertEquals(2uL, page.pageNumber)
        assertEquals(25, page.items.size)
        assertEquals(60uL, page.totalItems)
        assertEquals(3uL, page.nextPage)

        val pages = client.paginate("customers", pageSize = 7u)
        val sizes = generateSequence { pages.nextPage() }.map { it.items.size }.toList()
        assertEquals(listOf(7, 7, 7, 7, 2), sizes, "30 customers in pages of 7")
    }

    @Test
    fun `request and the write helpers`() {
        val listed = client.request("GET", "items", query = mapOf("pageSize" to "2", "pageNumber" to "1"))
        assertEquals(2, TestEmulator.count(listed.json(), "sKU"))

        val sku = "kotlin-${ProcessHandle.current().pid()}-${System.nanoTime()}"
        val created = client.post("items", """{"sKU":"$sku","name":"From Kotlin","price":9.5}""")
        assertEquals(201, created.status())
        val id = Regex("\"id\"\\s*:\\s*\"?([^\",}]+)").find(created.json())!!.groupValues[1]
        assertTrue(client.put("items/$id", """{"sKU":"$sku","name":"Renamed","price":10}""").json().contains("Renamed"))
        assertTrue(client.patch("items/$id", """{"name":"Patched"}""").json().contains("Patched"))
        assertTrue(client.delete("items/$id").status() in listOf(200, 204))
        val gone = assertThrows<JtlException.NotFound> { client.get("items/$id") }
        assertEquals(404, gone.status)
    }

    @Test
    fun `forTenant shares the token cache`() {
        client.accessToken()
        val before = emulator.stat("token")
        val other = client.forTenant(emulator.secondTenantId)
        assertEquals(emulator.secondTenantId, other.tenantId())
        assertEquals(emulator.secondTenantId, TestEmulator.jsonString(other.get("info").json(), "tenantId"))
        assertEquals(before, emulator.stat("token"), "no new token for another tenant")
    }

    @Test
    fun `session verification accepts a good token`() {
        val verifier = client.sessionVerifier()
        val token = emulator.mintSessionToken("""{"tenantSlug":"shop-one","userId":"user-7"}""")
        val claims = verifier.verify(token)
        assertEquals(emulator.tenantId, claims.tenantId)
        assertEquals("user-7", claims.userId)
        assertEquals("shop-one", claims.tenantSlug)
        assertTrue(claims.expiresAt > Instant.now().epochSecond)
        assertTrue(claims.claims.contains("\"userId\""))
        assertEquals(claims, verifier.verify(token), "served from the verified-token cache")
        assertEquals(1uL, verifier.stats().jwksFetches)
        assertEquals(1uL, verifier.stats().cacheHits)

        val decoded = decodeUnverified(token)
        assertEquals("EdDSA", decoded.alg)
        assertNotNull(decoded.kid)
    }

    @Test
    fun `session verification refuses bad tokens with a reason`() {
        val verifier = client.sessionVerifier()
        val expired = emulator.mintSessionToken("""{"ttlSeconds":-3600}""")
        val e1 = assertThrows<JtlException.TokenInvalid> { verifier.verify(expired) }
        assertEquals("token_invalid", e1.code)
        assertEquals("expired", e1.reason)

        val good = emulator.mintSessionToken()
        val parts = good.split(".")
        val tampered = parts[0] + "." + parts[1] + "." + parts[2].reversed()
        val e2 = assertThrows<JtlException> { verifier.verify(tampered) }
        assertEquals("token_invalid", e2.code)
        assertTrue(e2.reason in setOf("bad_signature", "malformed"), "reason ${e2.reason}")

        val e3 = assertThrows<JtlException.TokenInvalid> { verifier.verify("not-a-jwt") }
        assertEquals("malformed", e3.reason)

        val wrongIssuer = emulator.mintSessionToken("""{"iss":"https://evil.example"}""")
        assertEquals("wrong_issuer", assertThrows<JtlException> { verifier.verify(wrongIssuer) }.reason)

        val e4 = assertThrows<JtlException.TokenInvalid> { decodeUnverified("x.y") }
        assertEquals("malformed", e4.reason)
    }

    @Test
    fun `error codes`() {
        val wrong = CloudClient(emulator.clientId, "not-the-secret", emulator.tenantId, emulator.endpoints())
        val e1 = assertThrows<JtlException.InvalidCredentials> { wrong.get("info") }
        assertEquals("invalid_credentials", e1.code)
        assertEquals(401, e1.status)
        assertFalse(e1.message!!.contains("not-the-secret"))

        val e2 = assertThrows<JtlException.NotFound> { client.get("items/does-not-exist") }
        assertEquals("not_found", e2.code)
        assertEquals(404, e2.status)

        val noTenant = emulator.client(tenant = null)
        assertEquals("config", assertThrows<JtlException.Config> { noTenant.get("info") }.code)
        assertEquals("invalid_input", assertThrows<JtlException.InvalidInput> { client.forTenant("bad tenant") }.code)
        assertEquals("invalid_input", assertThrows<JtlException.InvalidInput> { client.post("items", "{not json") }.code)
        assertEquals("invalid_input", assertThrows<JtlException> { Endpoints.fromName("nowhere") }.code)
        val plain = assertThrows<JtlException> { Endpoints.emulator("http://example.com") }
        assertTrue(plain.code in setOf("invalid_input", "config"))

        val unreachable = CloudClient("id", "secret", emulator.tenantId, Endpoints.emulator("http://127.0.0.1:9"))
        assertEquals("network", assertThrows<JtlException.Network> { unreachable.accessToken() }.code)
    }

    @Test
    fun `toString never shows a secret`() {
        val secret = emulator.clientSecret
        val token = client.accessToken()
        val printed = listOf(client.toString(), token.toString(), client.endpoints().toString(), client.get("info").toString())
        for (text in printed) {
            assertFalse(text.contains(secret), text)
            assertFalse(text.contains(token.expose()), text)
        }
        assertTrue(client.toString().contains(emulator.clientId))
        assertTrue(token.toString().contains(token.fingerprint()))
    }
}
