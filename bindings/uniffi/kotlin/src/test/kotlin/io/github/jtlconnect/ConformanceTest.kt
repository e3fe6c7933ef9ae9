package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.nio.file.Files
import java.time.Instant

/**
 * The shared conformance cases (`conformance/cases/` *.json, schema in conformance/README.md):
 * one dynamic test per case id, each against a fresh `jtl-emulator` process. The dispatcher
 * maps the neutral snake_case call to the generated Kotlin API and normalises the results.
 */
class ConformanceTest {
    @Test
    fun `at least 40 cases with unique ids`() {
        val ids = cases().map { it.obj()["id"] as String }
        assertEquals(ids.size, ids.toSet().size, "case ids must be unique")
        assertTrue(ids.size >= 40, "${ids.size} cases")
    }

    @TestFactory
    fun conformance(): List<DynamicTest> {
        val pending = pendingHere()
        return cases().map { it.obj() }.filter { it["id"] !in pending }.map { case ->
            DynamicTest.dynamicTest(case["id"] as String) {
                TestEmulator().use { emu ->
                    val tmp = Files.createTempDirectory("jtl-conformance-").toFile()
                    try {
                        Runner(emu, tmp).run(case)
                    } catch (e: AssertionError) {
                        throw AssertionError("conformance case ${case["id"]}: ${e.message}", e)
                    } finally {
                        tmp.deleteRecursively()
                    }
                }
            }
        }
    }

    companion object {
        private const val APP_ID = "conformance-app"
        private const val APP_VERSION = "1.0.0"
        private val STORE_KEY = ByteArray(32) { it.toByte() }

        fun root(): File {
            var dir: File? = File("").absoluteFile
            while (dir != null && !File(dir, "conformance/cases").isDirectory) dir = dir.parentFile
            return File(dir ?: error("conformance/ not found above the working directory"), "conformance")
        }

        /** Every case of conformance/cases (not pending/), in file and list order. */
        fun cases(): List<Any?> = File(root(), "cases").listFiles { f -> f.name.endsWith(".json") }!!
            .sortedBy { it.name }
            .flatMap { Json.parse(it.readText()) as List<*> }

        /** Case ids `conformance/pending/languages.json` lists for Kotlin: not counted here. */
        fun pendingHere(): Set<String> {
            val file = File(root(), "pending/languages.json")
            if (!file.exists()) return emptySet()
            return ((Json.parse(file.readText()).obj()["kotlin"] as List<*>?) ?: emptyList<Any?>()).map { it as String }.toSet()
        }

        fun camel(name: String): String = Regex("_([a-z0-9])").replace(name) { it.groupValues[1].uppercase() }
    }

    private class Runner(val emu: TestEmulator, val tmp: File) {
        val saved = mutableMapOf<String, Any?>()
        val objects = mutableMapOf<String, Any>()

        fun emuValue(name: String): Any = when (name) {
            "url" -> emu.url
            "endpoints" -> emu.endpoints()
            "client_id" -> emu.clientId
            "client_secret" -> emu.clientSecret
            "tenant_id" -> emu.tenantId
            "second_tenant_id" -> emu.secondTenantId
            "foreign_tenant_id" -> "00000000-0000-4000-8000-00000000000f"
            "wawi_url" -> "${emu.url}/api/eazybusiness"
            "wawi_api_key" -> "demo-wawi-api-key"
            "scx_refresh_token" -> "demo-scx-refresh-token"
            else -> error("unknown emulator value $name")
        }

        fun resolve(value: Any?): Any? = when {
            value is List<*> -> value.map { resolve(it) }
            value is Map<*, *> && "\$bytes_hex" in value ->
                (value["\$bytes_hex"] as String).chunked(2).map { it.toInt(16).toByte() }.toByteArray()
            value is Map<*, *> && "\$now_plus" in value -> Instant.now().epochSecond + (value["\$now_plus"] as Number).toLong()
            value is Map<*, *> && "\$repeat" in value -> {
                val (text, times) = value["\$repeat"] as List<*>
                (text as String).repeat((times as Number).toInt())
            }
            value is Map<*, *> && "\$tamper" in value -> tamper(resolve(value["\$tamper"]) as String)
            value is Map<*, *> -> value.entries.associate { (k, v) -> k as String to resolve(v) }
            value is String && value.startsWith("\$tmp") -> tmp.path + value.removePrefix("\$tmp")
            value is String && value.startsWith("$") -> {
                val head = value.drop(1).substringBefore('.')
                val rest = if ('.' in value) value.substringAfter('.') else ""
                if (head == "emu") emuValue(rest) else lookup(saved[head] ?: error("nothing kept as $head"), rest)
            }
            else -> value
        }

        fun builtin(name: String): Any = when (name) {
            "cloud" -> CloudClient(emu.clientId, emu.clientSecret, emu.tenantId, emu.endpoints())
            "wawi" -> WawiClient(emuValue("wawi_url") as String, emuValue("wawi_api_key") as String, APP_ID, APP_VERSION)
            "scx" -> ScxClient(emuValue("scx_refresh_token") as String, emu.endpoints())
            "verifier" -> (subject("cloud") as CloudClient).sessionVerifier()
            "store" -> AccountStore(File(tmp, "accounts.db").path, STORE_KEY)
            else -> error("unknown object $name")
        }

        fun subject(name: String): Any = objects.getOrPut(name) { builtin(name) }

        /** Neutral snake_case option names as Kotlin spells them (nested objects too). */
        fun camelKeys(value: Any?): Any? = if (value is Map<*, *>) value.entries.associate { (k, v) -> camel(k as String) to camelKeys(v) } else value

        /** HTTP options from plain values, through the core's parser (`httpOptionsFromJson`). */
        fun http(o: Map<*, *>): HttpOptions? = o["http"]?.let { httpOptionsFromJson(Json.write(camelKeys(it))) }

        fun construct(kind: String, a: Map<String, Any?>): Any {
            val o = (a["options"] as Map<*, *>?) ?: emptyMap<String, Any?>()
            // Options as plain values go through the core's schema first (unknown names, types).
            if (kind != "endpoints_emulator") checkOptions(kind, Json.write(camelKeys(o.filterKeys { it != "http" })))
            return when (kind) {
                "cloud_client" -> CloudClient(a["client_id"] as String, a["client_secret"] as String, a["tenant_id"] as String?, a["endpoints"] as Endpoints?,
                    acceptLanguage = o["accept_language"] as String?, tokenCache = o["token_cache"] as String?, http = http(o))
                "wawi_client" -> WawiClient(a["base_url"] as String, a["api_key"] as String, a["app_id"] as String, a["app_version"] as String,
                    apiVersion = o["api_version"] as String?, runAs = o["run_as"] as String?, http = http(o))
                "scx_client" -> ScxClient(a["refresh_token"] as String, a["endpoints"] as Endpoints?,
                    acceptLanguage = o["accept_language"] as String?, tokenCache = o["token_cache"] as String?, http = http(o))
                "account_store" -> AccountStore(a["path"] as String?, a["master_key"] as ByteArray?, http = http(o))
                "endpoints_emulator" -> Endpoints.emulator(a["url"] as String)
                else -> error("unknown constructor $kind")
            }
        }

        /** Verifier options from plain values, through the core's parser (`verifierOptionsFromJson`). */
        fun verifierOptions(o: Map<*, *>): VerifierOptions = verifierOptionsFromJson(Json.write(camelKeys(o)))

        @Suppress("UNCHECKED_CAST")
        fun call(target: Any, method: String, a: Map<String, Any?>): Any? {
            val text = { v: Any? -> if (v is String) v else Json.write(v) }
            val query = (a["params"] as Map<String, Any?>?)?.mapValues { text(it.value) }
            val headers = (a["headers"] as Map<String, Any?>?)?.mapValues { text(it.value) }
            val json = a["json"]?.let { Json.write(it) }
            if (target is AccountStore) {
                val fields = (a["fields"] as Map<String, Any?>?)?.mapValues { text(it.value) }
                return when (method) {
                    "add" -> target.add(a["system"] as String, a["name"] as String, fields ?: emptyMap())
                    "get" -> target.get(a["id"] as String)
                    "update" -> target.update(a["id"] as String, a["name"] as String?, fields)
                    "delete" -> target.delete(a["id"] as String)
                    "list" -> target.list()
                    "client" -> when (val c = target.client(a["id"] as String, a["tenant_id"] as String?)) {
                        is AccountClient.Cloud -> c.client
                        is AccountClient.Wawi -> c.client
                        is AccountClient.Scx -> c.client
                    }
                    "test_connection" -> target.testConnection(a["id"] as String, a["tenant_id"] as String?)
                    else -> error("unknown store call $method")
                }
            }
            if (target is SessionVerifier) return target.verify(a["token"] as String)
            // A call's options: Kotlin's typed methods cannot take an unknown one (a compile
            // error), so they go through the core's plain-values check, as for constructors.
            val schema = when (method) {
                "page", "paginate" -> "pagination"
                "get", "delete", "post", "put", "patch", "request" -> "request"
                else -> null
            }
            (a["options"] as Map<*, *>?)?.let { o -> schema?.let { checkOptions(it, Json.write(camelKeys(o))) } }
            val path = a["path"] as String?
            val pageSize = (a["page_size"] as Number?)?.toInt()?.toUInt()
            return when (target) {
                is CloudClient -> when (method) {
                    "access_token" -> target.accessToken()
                    "for_tenant" -> target.forTenant(a["tenant_id"] as String)
                    "run_as" -> target.runAs(a["user_id"] as String)
                    "session_verifier" -> target.sessionVerifier(verifierOptions((a["options"] as Map<*, *>?) ?: emptyMap<String, Any>()))
                    "graphql" -> Json.parse(target.graphql(a["query"] as String, a["variables"]?.let { Json.write(it) }, a["operation_name"] as String?))
                    "paginate_graphql" -> target.paginateGraphql(a["query"] as String, a["connection"] as String, a["variables"]?.let { Json.write(it) }, pageSize).collectAll()
                    "get", "delete", "post", "put", "patch", "request" -> target.request(a["method"] as String? ?: method.uppercase(), path!!, query, json, headers, a["idempotent"] as Boolean?)
                    "page" -> target.page(path!!, (a["page_number"] as Number).toLong().toULong(), pageSize!!, query)
                    "paginate" -> target.paginate(path!!, query, pageSize).collectAll()
                    else -> error("unknown call $method")
                }
                is WawiClient -> when (method) {
                    "get", "delete", "post", "put", "patch", "request" -> target.request(a["method"] as String? ?: method.uppercase(), path!!, query, json, headers, a["idempotent"] as Boolean?)
                    "page" -> target.page(path!!, (a["page_number"] as Number).toLong().toULong(), pageSize!!, query)
                    "paginate" -> target.paginate(path!!, query, pageSize).collectAll()
                    else -> error("unknown call $method")
                }
                is ScxClient -> when (method) {
                    "access_token" -> target.accessToken()
                    "get", "delete", "post", "put", "patch", "request" -> target.request(a["method"] as String? ?: method.uppercase(), path!!, query, json, headers, a["idempotent"] as Boolean?)
                    "page" -> target.page(path!!, (a["page_number"] as Number).toLong().toULong(), pageSize!!, query)
                    "paginate" -> target.paginate(path!!, query, pageSize).collectAll()
                    else -> error("unknown call $method")
                }
                else -> error("cannot call $method on ${target::class.simpleName}")
            }
        }

        fun run(case: Map<String, Any?>) {
            for (step in (case["setup"] as List<*>?).orEmpty().map { it.obj() }) {
                val body = resolve(step["body"])?.let { Json.write(it) }
                val path = (step["path"] as String).removePrefix("/_emulator").removePrefix("/")
                val answer = emu.admin(step["admin"] as String, path, body ?: "{}")
                step["as"]?.let { saved[it as String] = if (answer.isBlank()) null else Json.parse(answer) }
            }
            val steps = (case["steps"] as List<*>).map { it.obj() }
            var result: Any? = null
            var error: JtlException? = null
            for ((index, step) in steps.withIndex()) {
                @Suppress("UNCHECKED_CAST")
                val args = (resolve(step["args"] ?: emptyMap<String, Any?>()) as Map<String, Any?>)
                val value = try {
                    if (step["new"] != null) construct(step["new"] as String, args)
                    else call(subject(step["on"] as String), step["call"] as String, args)
                } catch (e: JtlException) {
                    if (index != steps.size - 1) throw AssertionError("step $index failed: ${e.code}: ${e.description}", e)
                    error = e
                    break
                }
                step["as"]?.let {
                    if (value != null) objects[it as String] = value
                    saved[it as String] = normalise(value)
                }
                result = value
            }
            val expect = case["expect"].obj()
            if (expect["error"] != null) {
                val e = error ?: throw AssertionError("expected an error, got ${Json.write(normalise(result))}")
                checkError(resolve(expect["error"]).obj(), e)
            } else {
                if (error != null) throw AssertionError("unexpected error ${error.code}: ${error.description}", error)
                checks(normalise(result), resolve(expect["value"] ?: emptyList<Any>()) as List<*>)
            }
            (expect["stats"] as Map<*, *>?)?.let { want ->
                val stats = Json.parse(emu.admin("GET", "stats")).obj()
                for ((name, count) in want) {
                    assertEquals((count as Number).toLong(), (stats[name] as Number?)?.toLong(), "stats.$name")
                }
            }
        }

        fun checkError(want: Map<String, Any?>, e: JtlException) {
            val got = "${e.code}: ${e.description}"
            want["code"]?.let { assertEquals(it, e.code, got) }
            (want["code_in"] as List<*>?)?.let { assertTrue(e.code in it, got) }
            want["status"]?.let { assertEquals((it as Number).toInt(), e.status, "status: $got") }
            want["reason"]?.let { assertEquals(it, e.reason, "reason: $got") }
            (want["reason_in"] as List<*>?)?.let { assertTrue(e.reason in it, "reason ${e.reason}: $got") }
            want["error_code"]?.let { assertEquals(it, e.errorCode, "errorCode: $got") }
            want["retry_after"]?.let { assertEquals((it as Number).toDouble(), e.retryAfterSeconds, "retryAfter: $got") }
            want["param"]?.let { param ->
                val spelled = ((want["param_by_language"] as Map<*, *>?)?.get("kotlin") as String?) ?: camel(param as String)
                assertTrue(e.description.contains(spelled), "parameter $spelled not named: $got")
            }
            want["suggestion"]?.let { s ->
                val name = camel(s as String)
                val at = e.description.indexOf("did you mean")
                assertTrue(at >= 0 && e.description.substring(at).contains(name), "no did-you-mean $name: $got")
            }
            for (text in (want["message_contains"] as List<*>?).orEmpty()) assertTrue(e.description.contains(text as String), "$text not in: $got")
            val everything = "$e ${e.description} ${e.validationErrors} ${e.errorCode}"
            for (text in (want["message_excludes"] as List<*>?).orEmpty()) assertTrue(!everything.contains(text as String), "a secret is shown")
            for (key in (want["validation_error_keys"] as List<*>?).orEmpty()) assertTrue(key in e.validationErrors, "validationErrors: $got")
        }
    }
}

private fun Any?.obj(): Map<String, Any?> {
    @Suppress("UNCHECKED_CAST")
    return this as Map<String, Any?>
}

/** A JWT with the middle character of its signature changed (conformance/README.md). */
private fun tamper(token: String): String {
    val (head, payload, signature) = token.split(".")
    val at = signature.length / 2
    val swapped = if (signature[at] == 'A') 'B' else 'A'
    return "$head.$payload.${signature.substring(0, at)}$swapped${signature.substring(at + 1)}"
}

/** A result as the neutral JSON of conformance/README.md. */
private fun normalise(value: Any?): Any? = when (value) {
    is Response -> mapOf("status" to value.status().toLong(), "headers" to value.headers().associate { it.name to it.value }, "json" to runCatching { Json.parse(value.text()) }.getOrNull())
    is Page -> mapOf(
        "items" to value.items.map { Json.parse(it) }, "page_number" to value.pageNumber.toLong(), "page_size" to value.pageSize?.toLong(),
        "total_items" to value.totalItems?.toLong(), "total_pages" to value.totalPages?.toLong(), "next_page" to value.nextPage?.toLong(),
    )
    is SessionClaims -> mapOf("tenant_id" to value.tenantId, "user_id" to value.userId, "customer_id" to value.customerId, "tenant_slug" to value.tenantSlug, "expires_at" to value.expiresAt)
    is Account -> mapOf("id" to value.id, "system" to value.system, "name" to value.name, "fields" to value.fields)
    is AccessToken -> mapOf("token" to value.expose(), "expires_at" to value.expiresAt().epochSecond)
    is ConnectionTest -> mapOf("ok" to value.ok, "status" to value.status?.toLong(), "code" to value.code)
    is List<*> -> if (value.firstOrNull() is Account) mapOf("accounts" to value.map { normalise(it) }, "count" to value.size.toLong())
        else { val items = value.map { if (it is String) Json.parse(it) else it }; mapOf("items" to items, "count" to items.size.toLong()) }
    is Map<*, *> -> mapOf("data" to value["data"] .let { value })
    null, is String, is Number, is Boolean -> value
    Unit -> null
    else -> mapOf("constructed" to true)
}

/** `a.b.0.c` of a JSON value; a missing step gives null. */
private fun lookup(value: Any?, path: String): Any? = path.split('.').filter { it.isNotEmpty() }.fold(value) { v, part ->
    when (v) {
        is List<*> -> part.toIntOrNull()?.let { v.getOrNull(it) }
        is Map<*, *> -> v[part]
        else -> null
    }
}

private fun same(a: Any?, b: Any?): Boolean = when {
    a is Number && b is Number -> a.toDouble() == b.toDouble()
    else -> a == b
}

private fun checks(result: Any?, wanted: List<*>) {
    for (check in wanted.map { it.obj() }) {
        val path = check["path"] as String
        val found = lookup(result, path)
        val where = "$path = ${Json.write(found)}"
        if ("eq" in check) assertTrue(same(found, check["eq"]), "$where, expected ${Json.write(check["eq"])}")
        check["len"]?.let { n -> assertEquals((n as Number).toInt(), (found as? List<*>)?.size ?: (found as? String)?.length, where) }
        check["gte"]?.let { n -> assertTrue(found is Number && found.toDouble() >= (n as Number).toDouble(), where) }
        check["contains"]?.let { n -> assertTrue((found as? String)?.contains(n as String) ?: ((found as? List<*>)?.contains(n) == true), where) }
        check["present"]?.let { p -> assertEquals(p, found != null, where) }
    }
}

/** Just enough JSON for the cases: objects (ordered maps), arrays, strings, numbers (Long or Double), booleans, null. */
internal object Json {
    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value()
        reader.space()
        require(reader.at == text.length) { "JSON: text after the value at ${reader.at}" }
        return value
    }

    fun write(value: Any?): String = when (value) {
        null -> "null"
        is String -> buildString {
            append('"')
            for (c in value) when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c == '\n' -> append("\\n")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
            append('"')
        }
        is Boolean, is Long, is Int -> value.toString()
        is Number -> value.toDouble().let { if (it == Math.floor(it) && !it.isInfinite()) it.toLong().toString() else it.toString() }
        is Map<*, *> -> value.entries.joinToString(",", "{", "}") { (k, v) -> write(k as String) + ":" + write(v) }
        is List<*> -> value.joinToString(",", "[", "]") { write(it) }
        is ByteArray -> write(value.map { it.toLong() and 0xff })
        else -> write(value.toString())
    }

    private class Reader(val text: String) {
        var at = 0

        fun space() { while (at < text.length && text[at].isWhitespace()) at++ }

        fun value(): Any? {
            space()
            require(at < text.length) { "JSON: unexpected end" }
            return when (val c = text[at]) {
                '{' -> {
                    at++
                    val map = LinkedHashMap<String, Any?>()
                    space()
                    if (text[at] == '}') { at++; return map }
                    while (true) {
                        space()
                        val key = string()
                        space(); expect(':')
                        map[key] = value()
                        space()
                        if (text[at] == ',') { at++; continue }
                        expect('}'); return map
                    }
                    @Suppress("UNREACHABLE_CODE") map
                }
                '[' -> {
                    at++
                    val list = ArrayList<Any?>()
                    space()
                    if (text[at] == ']') { at++; return list }
                    while (true) {
                        list.add(value())
                        space()
                        if (text[at] == ',') { at++; continue }
                        expect(']'); return list
                    }
                    @Suppress("UNREACHABLE_CODE") list
                }
                '"' -> string()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> if (c == '-' || c.isDigit()) number() else error("JSON: unexpected '$c' at $at")
            }
        }

        fun expect(c: Char) {
            require(at < text.length && text[at] == c) { "JSON: expected '$c' at $at" }
            at++
        }

        fun word(w: String, v: Any?): Any? {
            require(text.startsWith(w, at)) { "JSON: expected $w at $at" }
            at += w.length
            return v
        }

        fun number(): Any {
            val start = at
            while (at < text.length && (text[at].isDigit() || text[at] in "+-.eE")) at++
            val s = text.substring(start, at)
            return s.toLongOrNull() ?: s.toDouble()
        }

        fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                val c = text[at++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> when (val e = text[at++]) {
                        'n' -> out.append('\n'); 't' -> out.append('\t'); 'r' -> out.append('\r')
                        'b' -> out.append('\b'); 'f' -> out.append('\u000c')
                        'u' -> { out.append(text.substring(at, at + 4).toInt(16).toChar()); at += 4 }
                        else -> out.append(e)
                    }
                    else -> out.append(c)
                }
            }
        }
    }
}
