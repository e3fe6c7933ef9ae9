package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The options Kotlin exposes (the records and constructor parameters of the generated API)
 * against the core's schemas (`core/src/options.rs`, the tables `jtl_connect::options::schemas()`
 * serialises). Known differences are listed in conformance/pending/option-lists.json; the test
 * fails on any other difference, and when a listed one has gone.
 */
class OptionListsTest {
    private val root = ConformanceTest.root().parentFile

    /** `{schema: [option names in snake_case]}` from the core's `Schema` constants. */
    private fun coreSchemas(): Map<String, List<String>> {
        val text = File(root, "core/src/options.rs").readText()
        val block = Regex("""Schema\s*=\s*Schema\s*\{\s*name:\s*"(\w+)",\s*options:\s*&\[(.*?)\],""", RegexOption.DOT_MATCHES_ALL)
        return block.findAll(text).associate { m ->
            m.groupValues[1] to Regex("""opt\("(\w+)"""").findAll(m.groupValues[2]).map { it.groupValues[1] }.toList()
        }
    }

    /** The generated Kotlin API, as users compile against it. */
    private val generated: String by lazy {
        File(root, "bindings/uniffi/kotlin/generated/kotlin/io/github/jtlconnect/jtl_connect_uniffi.kt").readText()
    }

    private fun names(parameters: String): Set<String> =
        Regex("""`(\w+)`\s*:""").findAll(parameters).map { it.groupValues[1] }.toSet()

    /** Parameters of the public constructor of `open class name`. */
    private fun constructorOf(name: String): Set<String> {
        val start = generated.indexOf("open class $name:")
        val ctor = Regex("""constructor\((`[^)]*)\)""").find(generated, start) ?: error("no constructor of $name")
        return names(ctor.groupValues[1])
    }

    /** Fields of `data class name`. */
    private fun recordOf(name: String): Set<String> {
        val start = generated.indexOf("data class $name (")
        assertTrue(start >= 0, "no record $name")
        val end = generated.indexOf(") {", start)
        return names(generated.substring(start, end).replace(Regex("""/\*\*.*?\*/""", RegexOption.DOT_MATCHES_ALL), ""))
    }

    @Test
    fun `Kotlin options match the core's`() {
        val schemas = coreSchemas()
        assertTrue(schemas.keys.containsAll(listOf("http", "session_verifier", "cloud_client")), "${schemas.keys}")
        val exposed = mapOf(
            "http" to recordOf("HttpOptions"),
            "session_verifier" to recordOf("VerifierOptions"),
            "app_token_verifier" to recordOf("AppTokenVerifierOptions"),
            "cloud_client" to constructorOf("CloudClient"),
            "wawi_client" to constructorOf("WawiClient"),
            "scx_client" to constructorOf("ScxClient"),
            "account_store" to constructorOf("AccountStore"),
        )
        val found = sortedMapOf<String, Any?>()
        for ((schema, have) in exposed) {
            val want = schemas.getValue(schema).map { ConformanceTest.camel(it) }.toSet()
            val missing = (want - have).sorted()
            val extra = (have - want).sorted()
            if (missing.isNotEmpty() || extra.isNotEmpty()) found[schema] = mapOf("missing" to missing, "extra" to extra)
        }
        val pending = Json.parse(File(root, "conformance/pending/option-lists.json").readText()) as Map<*, *>
        val known = (pending["kotlin"] as Map<*, *>?) ?: emptyMap<String, Any?>()
        assertEquals(Json.write(known.toSortedMap(compareBy { it as String })), Json.write(found),
            "Kotlin's options differ from the core's (missing: the core has it; extra: only Kotlin has it)")
    }
}
