// Lists the ERP items of a JTL Cloud tenant, one JSON object per line on stdout.
//
// Configuration from the environment: JTL_CLIENT_ID, JTL_CLIENT_SECRET, JTL_TENANT_ID and
// JTL_ENVIRONMENT (`production`, `beta`, or the emulator's URL). Optional argument: page size.
package example

import io.github.jtlconnect.CloudClient
import io.github.jtlconnect.JtlException
import io.github.jtlconnect.asSequence
import io.github.jtlconnect.code
import io.github.jtlconnect.description
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val pageSize = args.firstOrNull()?.toUIntOrNull() ?: 100u
    try {
        CloudClient.fromEnv().use { client ->
            val tenant = client.tenantId()
                ?: throw IllegalArgumentException("JTL_TENANT_ID is not set: which tenant's items?")
            var count = 0
            for (item in client.paginate("items", pageSize = pageSize).asSequence()) {
                println(item)
                count++
            }
            System.err.println("$count items of tenant $tenant ($client)")
        }
    } catch (e: JtlException) {
        System.err.println("list-items: ${e.description} (${e.code})")
        exitProcess(1)
    } catch (e: IllegalArgumentException) {
        System.err.println("list-items: ${e.message}")
        exitProcess(2)
    }
}
