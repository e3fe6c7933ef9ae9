// swift-tools-version:5.9
// jtl-connect for Swift: the Swift that uniffi-bindgen generates from libjtl_connect_uniffi
// (run bindings/uniffi/scripts/test.sh first, which writes Sources/JtlConnect/JtlConnect.swift
// and Sources/JtlConnectFFI/include/JtlConnectFFI.h), linked against the native library in
// $CARGO_TARGET_DIR/debug (override with JTL_CONNECT_LIB_DIR).
import Foundation
import PackageDescription

let environment = ProcessInfo.processInfo.environment
let libraryDir = environment["JTL_CONNECT_LIB_DIR"]
    ?? (environment["CARGO_TARGET_DIR"].map { "\($0)/debug" } ?? "../../../target/debug")

let package = Package(
    name: "JtlConnect",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "JtlConnect", targets: ["JtlConnect"]),
    ],
    targets: [
        .target(
            name: "JtlConnectFFI",
            path: "Sources/JtlConnectFFI",
            linkerSettings: [
                .unsafeFlags(["-L", libraryDir, "-Xlinker", "-rpath", "-Xlinker", libraryDir]),
                .linkedLibrary("jtl_connect_uniffi"),
            ]
        ),
        .target(
            name: "JtlConnect",
            dependencies: ["JtlConnectFFI"],
            path: "Sources/JtlConnect"
        ),
        .testTarget(
            name: "JtlConnectTests",
            dependencies: ["JtlConnect"],
            path: "Tests/JtlConnectTests"
        ),
    ]
)
