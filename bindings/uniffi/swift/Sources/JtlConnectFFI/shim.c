// SwiftPM needs one source file in a C target; the functions are in libjtl_connect_uniffi.
