//! Node.js bindings of jtl-connect: conversions and error mapping only; behaviour lives in core.
