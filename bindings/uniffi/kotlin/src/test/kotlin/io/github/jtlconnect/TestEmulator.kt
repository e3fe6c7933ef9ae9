package io.github.jtlconnect

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.TimeUnit

/** The `jtl-emulator` binary on a free port (`--port 0`), steered through its admin API. */
class TestEmulator : AutoCloseable {
    val process: Process
    val url: String
    private val http = HttpClient.newHttpClient()

    val clientId = "demo-client-id"
    val clientSecret = "demo-client-secret"
    val tenantId = "00000000-0000-4000-8000-000000000001"
    val secondTenantId = "00000000-0000-4000-8000-000000000002"

    init {
        process = ProcessBuilder(binary(), "--port", "0")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val reader = BufferedReader(InputStreamReader(process.inputStream))
        val first = reader.readLine() ?: error("jtl-emulator exited without printing its address")
        url = Regex("listening on (http://\\S+)").find(first)?.groupValues?.get(1)
            ?: error("unexpected first line of jtl-emulator: $first")
        // Keep draining stdout so the emulator never blocks on a full pipe.
        Thread { reader.useLines { lines -> lines.forEach { } } }.apply { isDaemon = true }.start()
    }

    fun endpoints(): Endpoints = Endpoints.emulator(url)

    fun client(tenant: String? = tenantId): CloudClient =
        CloudClient(clientId, clientSecret, tenant, endpoints())

    fun admin(method: String, path: String, body: String? = null): String {
        val request = HttpRequest.newBuilder(URI.create(if (path.isEmpty()) "$url/_emulator" else "$url/_emulator/$path"))
            .header("Content-Type", "application/json")
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "$method $path: ${response.statusCode()} ${response.body()}" }
        return response.body()
    }

    /** `token` (requests to /oauth2/token) and the other counters of `GET /_emulator/stats`. */
    fun stat(name: String): Long =
        Regex("\"${Regex.escape(name)}\"\\s*:\\s*(\\d+)").find(admin("GET", "stats"))?.groupValues?.get(1)?.toLong() ?: 0

    /** A session token signed by the emulator's current key (`spec` as the admin API takes it). */
    fun mintSessionToken(spec: String = "{}"): String =
        jsonString(admin("POST", "session-tokens", spec), "token")!!

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        fun binary(): String {
            val configured = System.getProperty("jtl.emulator.bin")?.takeIf { it.isNotBlank() && !it.startsWith("\${") }
                ?: System.getenv("JTL_EMULATOR_BIN")
            if (!configured.isNullOrBlank()) return configured
            val target = System.getenv("CARGO_TARGET_DIR") ?: "../../../target"
            return File(target, "debug/jtl-emulator").path
        }

        /** A string member of a JSON object text (enough for the flat answers used here). */
        fun jsonString(json: String, name: String): String? =
            Regex("\"${Regex.escape(name)}\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").find(json)?.groupValues?.get(1)

        /** How many times `"name":` occurs in a JSON text. */
        fun count(json: String, name: String): Int = Regex("\"${Regex.escape(name)}\"\\s*:").findAll(json).count()
    }
}
