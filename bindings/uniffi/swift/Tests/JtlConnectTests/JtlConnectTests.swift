// XCTest suite for machines with a Swift toolchain (see ../../README.md): the same checks as
// the Kotlin suite, against the `jtl-emulator` binary started on a free port.
import Foundation
import XCTest
@testable import JtlConnect

final class TestEmulator {
    let process = Process()
    let url: String
    let clientId = "demo-client-id"
    let clientSecret = "demo-client-secret"
    let tenantId = "00000000-0000-4000-8000-000000000001"

    init() throws {
        let env = ProcessInfo.processInfo.environment
        let binary = env["JTL_EMULATOR_BIN"]
            ?? "\(env["CARGO_TARGET_DIR"] ?? "../../../target")/debug/jtl-emulator"
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        let first = String(decoding: line, as: UTF8.self)
        guard let range = first.range(of: "http://") else {
            throw NSError(domain: "TestEmulator", code: 1, userInfo: [NSLocalizedDescriptionKey: first])
        }
        url = String(first[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    deinit { process.terminate() }

    func client(tenant: String? = nil) throws -> CloudClient {
        try CloudClient(clientId: clientId, clientSecret: clientSecret,
                        tenantId: tenant ?? tenantId, endpoints: Endpoints.emulator(baseUrl: url))
    }

    func admin(_ method: String, _ path: String, _ body: String? = nil) throws -> [String: Any] {
        var request = URLRequest(url: URL(string: path.isEmpty ? "\(url)/_emulator" : "\(url)/_emulator/\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body?.data(using: .utf8)
        var result: Data?
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, _, _ in result = data; done.signal() }.resume()
        done.wait()
        return (try JSONSerialization.jsonObject(with: result ?? Data("{}".utf8))) as? [String: Any] ?? [:]
    }

    func tokenRequests() throws -> Int { try admin("GET", "stats")["token"] as? Int ?? -1 }

    func mintSessionToken(_ spec: String = "{}") throws -> String {
        try admin("POST", "session-tokens", spec)["token"] as! String
    }
}

final class JtlConnectTests: XCTestCase {
    func testTokenAndInfo() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        let token = try client.accessToken()
        XCTAssertEqual(token.expose().split(separator: ".").count, 3)
        XCTAssertFalse(String(describing: token).contains(token.expose()))
        let response = try client.get(path: "info")
        XCTAssertEqual(response.status(), 200)
        XCTAssertTrue(try response.json().contains(emulator.tenantId))
        XCTAssertEqual(try emulator.tokenRequests(), 1)
    }

    func testPagination() throws {
        let emulator = try TestEmulator()
        let items = try emulator.client().paginate(path: "items", pageSize: 20).collectAll()
        XCTAssertEqual(items.count, 60)
    }

    func testSessionVerification() throws {
        let emulator = try TestEmulator()
        let verifier = try emulator.client().sessionVerifier()
        let claims = try verifier.verify(token: emulator.mintSessionToken())
        XCTAssertEqual(claims.tenantId, emulator.tenantId)
        XCTAssertThrowsError(try verifier.verify(token: emulator.mintSessionToken("{\"ttlSeconds\":-3600}"))) { error in
            XCTAssertEqual((error as? JtlError)?.code, "token_invalid")
            XCTAssertEqual((error as? JtlError)?.reason, "expired")
        }
    }

    func testErrorCodes() throws {
        let emulator = try TestEmulator()
        let wrong = try CloudClient(clientId: emulator.clientId, clientSecret: "not-the-secret",
                                    tenantId: emulator.tenantId, endpoints: Endpoints.emulator(baseUrl: emulator.url))
        XCTAssertThrowsError(try wrong.get(path: "info")) { error in
            XCTAssertEqual((error as? JtlError)?.code, "invalid_credentials")
            XCTAssertFalse(String(describing: error).contains("not-the-secret"))
        }
        XCTAssertThrowsError(try emulator.client().get(path: "items/does-not-exist")) { error in
            XCTAssertEqual((error as? JtlError)?.status, 404)
        }
    }

    func testDescriptionsHideSecrets() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        XCTAssertFalse(String(describing: client).contains(emulator.clientSecret))
    }

    func testConcurrentTasksOnAColdCacheFetchOneToken() async throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<100 { group.addTask { try await client.getAsync(path: "info").status() } }
            for try await status in group { XCTAssertEqual(status, 200) }
        }
        XCTAssertEqual(try emulator.tokenRequests(), 1)
    }

    func testAccountStoreRoundTrip() throws {
        let emulator = try TestEmulator()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try AccountStore(path: dir.appendingPathComponent("accounts.db").path)
        let account = try store.add(system: "jtl-cloud", name: "Main shop", fields: [
            "client_id": emulator.clientId, "client_secret": emulator.clientSecret,
            "tenant_id": emulator.tenantId, "environment": emulator.url,
        ])
        XCTAssertNil(account.fields["client_secret"])
        XCTAssertTrue(try store.testConnection(id: account.id).ok)
        try store.delete(id: account.id)
        XCTAssertTrue(try store.list().isEmpty)
    }
}
