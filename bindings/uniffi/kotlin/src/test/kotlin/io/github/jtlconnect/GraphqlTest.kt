package io.github.jtlconnect

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** GraphQL on the Cloud ERP API (facts §1) against the emulator's /erp/v2/graphql. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphqlTest {
    private lateinit var emulator: TestEmulator
    private lateinit var client: CloudClient

    private val total = "{ QueryItems(first: 1) { totalCount } }"
    private val allItems = """
        query Items(${'$'}first: Int, ${'$'}after: String) {
          QueryItems(first: ${'$'}first, after: ${'$'}after) {
            nodes { id sku name }
            pageInfo { hasNextPage endCursor }
            totalCount
          }
        }
    """.trimIndent()
    private val create = """
        mutation(${'$'}request: CreateItemCommandRequestInput!) {
          CreateItem(request: ${'$'}request) { itemId }
        }
    """.trimIndent()

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

    private fun totalCount(data: String): Long =
        Regex("\"totalCount\"\\s*:\\s*(\\d+)").find(data)!!.groupValues[1].toLong()

    @Test
    fun `graphql blocking and suspend`() {
        val data = client.graphql("query(${'$'}n: Int) { QueryItems(first: ${'$'}n) { nodes { sku } totalCount } }", """{"n":3}""")
        assertEquals(3, TestEmulator.count(data, "sku"))
        val expected = totalCount(data)
        val totals = runBlocking(Dispatchers.Default) {
            (1..50).map { async { totalCount(client.graphqlAsync(total)) } }.awaitAll()
        }
        assertEquals(List(50) { expected }, totals)
        assertTrue(client.endpoints().graphqlUrl().endsWith("/erp/v2/graphql"))
    }

    @Test
    fun `paginateGraphql walks every item`() {
        val expected = totalCount(client.graphql(total))
        val walk = client.paginateGraphql(allItems, "QueryItems", pageSize = 7u)
        val items = walk.asSequence().toList()
        assertEquals(expected, items.size.toLong(), "count = totalCount")
        assertEquals(items.size, items.map { TestEmulator.jsonString(it, "id") }.toSet().size, "no record twice")
        assertEquals(expected.toULong(), walk.totalItems())
    }

    @Test
    fun `errors come with partial data`() {
        val query = """{ QueryItems(first: 2) { totalCount } missing: GetItemById(id: "00000000-0000-4000-8000-00000000dead") { id } }"""
        val error = assertThrows<JtlException.Graphql> { client.graphql(query) }
        assertEquals("graphql", error.code)
        assertTrue(error.graphqlErrors.isNotEmpty())
        assertEquals("missing", error.graphqlErrors[0].path.first())
        assertTrue(error.graphqlErrors[0].message.isNotEmpty())
        val data = error.graphqlData
        assertNotNull(data, "partial data")
        assertTrue(totalCount(data!!) > 0, data)
        assertTrue(error.description.contains("partial data"), error.description)
    }

    @Test
    fun `a mutation then GetItemById`() {
        val sku = "KT-GQL-${System.nanoTime()}"
        val created = client.graphql(create, """{"request":{"sku":"$sku","name":"Kotlin GraphQL item"}}""")
        val id = TestEmulator.jsonString(created, "itemId") ?: Regex("\"itemId\"\\s*:\\s*(\\d+)").find(created)!!.groupValues[1]
        val item = runBlocking {
            client.graphqlAsync("query(${'$'}id: ID!) { GetItemById(id: ${'$'}id) { id identifiers { sku } } }", """{"id":"$id"}""")
        }
        assertEquals(sku, TestEmulator.jsonString(item, "sku"), item)
        val bad = assertThrows<JtlException.InvalidInput> { client.graphql(total, "[1]") }
        assertTrue(bad.description.contains("variables"), bad.description)
    }
}
