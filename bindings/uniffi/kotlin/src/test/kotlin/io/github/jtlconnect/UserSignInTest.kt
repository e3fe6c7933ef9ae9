package io.github.jtlconnect

import java.net.URI
import java.net.URLDecoder
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** User sign-in (authorization code + PKCE, facts §0, §4.2, §5.4) against the emulator
 *  binary: its sign-in page, the code exchange, grants in the AccountStore, the user's client
 *  (REST, GraphQL), refresh with rotation, `invalid_grant` → `SignInRequired`, no secret in
 *  `toString()` or errors. */
class UserSignInTest {
    private val redirect = "http://127.0.0.1:9/callback"
    private val http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()

    private fun location(request: HttpRequest): String {
        val answer = http.send(request, HttpResponse.BodyHandlers.ofString())
        assertTrue(answer.statusCode() in listOf(302, 303), "${answer.statusCode()} ${answer.body()}")
        return answer.headers().firstValue("location").get()
    }

    private fun get(url: String): HttpRequest = HttpRequest.newBuilder(URI.create(url)).GET().build()

    /** Presses the button of `userId` on the emulator's sign-in page at `url`. */
    private fun signInOnPage(emulator: TestEmulator, url: String, userId: String): String {
        val page = http.send(get(url), HttpResponse.BodyHandlers.ofString()).body()
        assertTrue(page.contains("data-user=\"$userId\""), page)
        val fields = Regex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").findAll(page)
            .map { it.groupValues[1] to unescape(it.groupValues[2]) }.toMutableList()
        fields.add("user" to userId)
        val form = fields.joinToString("&") { (k, v) -> "${enc(k)}=${enc(v)}" }
        return location(
            HttpRequest.newBuilder(URI.create("${emulator.url}/oauth2/auth"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        )
    }

    private fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8)
    private fun unescape(s: String) =
        s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    private fun query(url: String): Map<String, String> =
        URI.create(url).rawQuery.split("&").associate {
            val (k, v) = it.split("=", limit = 2)
            URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
        }

    /** The demo users' ids (first Anna, then Ben). */
    private fun userIds(emulator: TestEmulator): List<String> =
        Regex("\"id\"\\s*:\\s*\"([^\"]+)\"").findAll(emulator.admin("GET", "users")).map { it.groupValues[1] }.toList()

    @Test
    fun `the whole flow through the page and the store`(@TempDir dir: Path) {
        TestEmulator().use { emulator ->
            val db = dir.resolve("accounts.db")
            val store = AccountStore(db.toString(), masterKey = ByteArray(32) { 7 })
            val account = store.add(
                "jtl-cloud", "app",
                mapOf("client_id" to emulator.clientId, "client_secret" to emulator.clientSecret, "environment" to emulator.url),
            )
            val auth = store.authorizationCodeClient(account.id, redirect, listOf("items.read"))
            assertEquals(listOf("openid", "offline_access", "items.read"), auth.scopes())
            val pending = auth.start()
            val params = query(pending.url())
            assertTrue(pending.url().startsWith("${emulator.url}/oauth2/auth?"))
            assertEquals("S256", params["code_challenge_method"])
            // Kept in a session as text, restored on the callback; toString shows no secret.
            val restored = SignIn.fromJson(pending.toJson())
            assertFalse(pending.toString().contains(params["state"]!!), pending.toString())

            val (anna, ben) = userIds(emulator)
            val grant = auth.finishRedirect(restored, signInOnPage(emulator, restored.url(), anna))
            assertEquals(anna, grant.userId())
            assertEquals("Anna Admin", grant.userName())
            assertEquals(emulator.tenantId, grant.tenantId())
            assertFalse(grant.toString().contains(grant.exposeRefreshToken()), grant.toString())
            val stored = store.saveGrant(account.id, grant)
            assertEquals(anna, stored.userId)

            val client = store.userClient(account.id, anna)
            val info = client.get("info").text()
            assertTrue(info.contains("\"id\":\"$anna\"") && info.contains("Anna Admin"), info)
            val data = client.graphql("{ QueryItems(first: 3) { nodes { sku } } }")
            assertEquals(3, TestEmulator.count(data, "sku"))
            val asyncInfo = runBlocking { client.getAsync("info").text() }
            assertTrue(asyncInfo.contains(anna), asyncInfo)

            val second = auth.start()
            store.saveGrant(account.id, auth.finishRedirect(second, signInOnPage(emulator, second.url(), ben)))
            assertTrue(store.userClient(account.id, ben).get("info").text().contains("Ben Buyer"))
            assertEquals(setOf(anna, ben), store.grants(account.id).map { it.userId }.toSet())

            val raw = String(Files.readAllBytes(db), Charsets.ISO_8859_1)
            assertFalse(raw.contains(grant.exposeRefreshToken()), "the refresh token is sealed")
            store.deleteGrant(account.id, anna)
            assertThrows<JtlException.NotFound> { store.grant(account.id, anna) }
            store.delete(account.id)
            assertEquals(emptyList<StoredGrant>(), store.grants(account.id))
        }
    }

    @Test
    fun `state, one-time codes, rotation, revocation and denial`() {
        TestEmulator().use { emulator ->
            val auth = AuthorizationCodeClient(
                emulator.clientId, redirect, emulator.endpoints(), SignInOptions(clientSecret = emulator.clientSecret),
            )
            val anna = userIds(emulator)[0]
            val pending = auth.start()
            val back = query(signInOnPage(emulator, pending.url(), anna))
            val crossed = assertThrows<JtlException.StateMismatch> { auth.finish(pending, "forged", back["code"]!!) }
            assertEquals("state_mismatch", crossed.code)
            val grant = auth.finish(pending, back["state"]!!, back["code"]!!)

            val fresh = runBlocking { auth.refreshAsync(grant) }
            assertNotEquals(grant.exposeRefreshToken(), fresh.exposeRefreshToken(), "rotation")
            val replay = assertThrows<JtlException.SignInRequired> { auth.refresh(grant) }
            assertFalse(replay.description.contains(grant.exposeRefreshToken()))

            // RFC 6749 §4.1.2: a code works once.
            val reused = assertThrows<JtlException.SignInRequired> { auth.finish(pending, back["state"]!!, back["code"]!!) }
            assertEquals("invalid_grant", reused.errorCode)
            assertFalse(reused.description.contains(back["code"]!!), reused.description)

            // A grant JTL revoked: its user client asks to sign in again once the token expires.
            emulator.admin("PATCH", "settings", """{"sign_in_mode":"approve","token_lifetime_secs":2}""")
            val next = auth.start()
            val live = auth.finishRedirect(next, location(get(next.url())))
            val client = auth.client(UserGrant.fromJson(live.toJson()))
            assertTrue(client.get("info").text().contains(anna))
            emulator.admin("POST", "users/revoke", """{"user_id":"$anna"}""")
            Thread.sleep(2200)
            val stopped = assertThrows<JtlException.SignInRequired> { client.get("info") }
            assertTrue(Regex("sign (the user )?in again").containsMatchIn(stopped.description), stopped.description)

            emulator.admin("PATCH", "settings", """{"sign_in_mode":"deny"}""")
            val denied = auth.start()
            val error = assertThrows<JtlException.SignInRequired> { auth.finishRedirect(denied, location(get(denied.url()))) }
            assertEquals("access_denied", error.errorCode)
            assertThrows<JtlException.InvalidInput> { AuthorizationCodeClient("x", "http://example.com/cb") }
        }
    }
}
