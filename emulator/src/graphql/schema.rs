//! The GraphQL schema in JTL's naming (facts §1.2–§1.6), built with async-graphql's dynamic
//! schema from the field tables below. Every object resolves from JSON: catalogue rows are
//! stored under the GraphQL field names, so a field is a key lookup.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::{
    dynamic::{
        Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Object, ResolverContext,
        Scalar, Schema, TypeRef,
    },
    ErrorExtensions, Value as GqlValue,
};
use serde_json::{json, Map, Value};

use super::{
    connection::{self, Window},
    error::error,
};
use crate::{
    catalogue::{Catalogue, Refusal, Row},
    erp::create_record,
    state::Shared,
};

/// What resolvers need from the HTTP layer.
pub(crate) struct Ctx {
    pub(crate) shared: Arc<Shared>,
    pub(crate) tenant: String,
    pub(crate) max_page_size: u64,
    pub(crate) default_page_size: u64,
}

/// A list entity: its resource, GraphQL names and scalar fields (`name`, `Type` with `!`).
pub(crate) struct Entity {
    pub(crate) resource: &'static str,
    pub(crate) node: &'static str,
    pub(crate) query: &'static str,
    pub(crate) get: Option<&'static str>,
    fields: &'static [(&'static str, &'static str)],
    objects: &'static [(&'static str, &'static str)],
}

pub(crate) const ENTITIES: [Entity; 7] = [
    Entity {
        resource: "items",
        node: "ItemListItem",
        query: "QueryItems",
        get: Some("GetItemById"),
        fields: &[
            ("id", "ID!"),
            ("sku", "String!"),
            ("name", "String!"),
            ("description", "String"),
            ("gtin", "String"),
            ("salesPriceNet", "Decimal"),
            ("salesPriceGross", "Decimal"),
            ("stockTotal", "Decimal"),
            ("stockAvailable", "Decimal"),
            ("isActive", "Boolean!"),
            ("manufacturerName", "String"),
            ("categoryIds", "[ID!]"),
            ("createdDate", "DateTime"),
            ("modifiedDate", "DateTime"),
        ],
        objects: &[],
    },
    Entity {
        resource: "customers",
        node: "CustomerListItem",
        query: "QueryCustomers",
        get: Some("GetCustomerById"),
        fields: &[
            ("id", "ID!"),
            ("customerNumber", "String"),
            ("firstName", "String"),
            ("lastName", "String"),
            ("companyName", "String"),
            ("emailAddress", "String"),
            ("postalCode", "String"),
            ("city", "String"),
            ("countryIso", "String"),
            ("isLocked", "Boolean!"),
            ("createdDate", "DateTime"),
        ],
        objects: &[],
    },
    Entity {
        resource: "sales-orders",
        node: "SalesOrderListItem",
        query: "QuerySalesOrders",
        get: Some("GetSalesOrderById"),
        fields: &[
            ("id", "ID!"),
            ("salesOrderNumber", "String"),
            ("salesOrderDate", "DateTime"),
            ("customerId", "ID"),
            ("customerNumber", "String"),
            ("companyName", "String"),
            ("status", "String"),
            ("totalGrossAmount", "Decimal"),
            ("currencyIso", "String"),
        ],
        objects: &[("lineItems", "[SalesOrderLineItem!]!")],
    },
    Entity {
        resource: "categories",
        node: "CategoryListItem",
        query: "QueryCategories",
        get: Some("GetCategoryById"),
        fields: &[
            ("id", "ID!"),
            ("parentId", "ID"),
            ("sortNumber", "Int"),
            ("name", "String!"),
        ],
        objects: &[],
    },
    Entity {
        resource: "warehouses",
        node: "WarehouseListItem",
        query: "QueryWarehouses",
        get: None,
        fields: &[
            ("id", "ID!"),
            ("name", "String!"),
            ("code", "String"),
            ("isActive", "Boolean!"),
        ],
        objects: &[],
    },
    Entity {
        resource: "stock",
        node: "StockListItem",
        query: "QueryStock",
        get: None,
        fields: &[
            ("id", "ID!"),
            ("itemId", "ID!"),
            ("sku", "String"),
            ("warehouseId", "ID!"),
            ("stockTotal", "Decimal"),
            ("stockAvailable", "Decimal"),
        ],
        objects: &[],
    },
    Entity {
        resource: "sales-channels",
        node: "SalesChannelListItem",
        query: "QuerySalesChannels",
        get: None,
        fields: &[("id", "ID!"), ("name", "String!"), ("isActive", "Boolean!")],
        objects: &[],
    },
];

/// The mutations: root field, resource, whether it creates, input fields, payload fields.
struct Mutation {
    name: &'static str,
    resource: &'static str,
    id_field: &'static str,
    input: &'static [(&'static str, &'static str)],
    payload: &'static [(&'static str, &'static str)],
}

const ITEM_INPUT: &[(&str, &str)] = &[
    ("description", "String"),
    ("gtin", "String"),
    ("salesPriceNet", "Decimal"),
    ("salesPriceGross", "Decimal"),
    ("stockTotal", "Decimal"),
    ("isActive", "Boolean"),
    ("manufacturerName", "String"),
    ("categoryIds", "[ID!]"),
];

const MUTATIONS: [Mutation; 5] = [
    Mutation {
        name: "CreateItem",
        resource: "items",
        id_field: "",
        input: &[("sku", "String!"), ("name", "String!")],
        payload: &[("itemId", "ID!")],
    },
    Mutation {
        name: "ChangeItem",
        resource: "items",
        id_field: "itemId",
        input: &[("itemId", "ID!"), ("sku", "String"), ("name", "String")],
        payload: &[("item", "ItemdetailsItem!")],
    },
    Mutation {
        name: "CreateCustomer",
        resource: "customers",
        id_field: "",
        input: &[
            ("firstName", "String"),
            ("lastName", "String"),
            ("companyName", "String"),
            ("emailAddress", "String"),
            ("postalCode", "String"),
            ("city", "String"),
            ("countryIso", "String"),
        ],
        payload: &[("customerId", "ID!")],
    },
    Mutation {
        name: "CreateCategory",
        resource: "categories",
        id_field: "",
        input: &[
            ("name", "String!"),
            ("parentId", "ID"),
            ("sortNumber", "Int"),
        ],
        payload: &[("categoryId", "ID!")],
    },
    Mutation {
        name: "UpdateCategory",
        resource: "categories",
        id_field: "categoryId",
        input: &[
            ("categoryId", "ID!"),
            ("name", "String"),
            ("parentId", "ID"),
            ("sortNumber", "Int"),
        ],
        payload: &[("category", "CategoryListItem!")],
    },
];

/// The scope a root field needs (`None`: introspection or unknown, validation answers).
pub(crate) fn root_scope(field: &str) -> Option<String> {
    if let Some(e) = ENTITIES
        .iter()
        .find(|e| e.query == field || e.get == Some(field))
    {
        let resource = if e.resource == "stock" {
            "items"
        } else {
            e.resource
        };
        return Some(crate::erp::scope_for(resource, false));
    }
    MUTATIONS
        .iter()
        .find(|m| m.name == field)
        .map(|m| crate::erp::scope_for(m.resource, true))
}

/// A `TypeRef` from SDL notation: `X`, `X!`, `[X!]`, `[X!]!`.
fn tref(sdl: &str) -> TypeRef {
    let required = sdl.ends_with('!');
    let inner = sdl.trim_end_matches('!');
    if let Some(list) = inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        let name = list.trim_end_matches('!');
        match (list.ends_with('!'), required) {
            (true, true) => TypeRef::named_nn_list_nn(name),
            (true, false) => TypeRef::named_nn_list(name),
            (false, true) => TypeRef::named_list_nn(name),
            (false, false) => TypeRef::named_list(name),
        }
    } else if required {
        TypeRef::named_nn(inner)
    } else {
        TypeRef::named(inner)
    }
}

fn base_type(sdl: &str) -> &str {
    sdl.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

fn is_scalar(name: &str) -> bool {
    matches!(
        name,
        "ID" | "String" | "Int" | "Decimal" | "Boolean" | "DateTime"
    )
}

/// A JSON value as what a field resolves to.
fn field_value(value: Value, object: bool) -> Option<FieldValue<'static>> {
    match value {
        Value::Null => None,
        Value::Array(items) if object => Some(FieldValue::list(
            items.into_iter().filter_map(|i| field_value(i, true)),
        )),
        v if object => Some(FieldValue::owned_any(v)),
        v => GqlValue::from_json(v).ok().map(FieldValue::value),
    }
}

/// A field read from the parent JSON object under its own name.
fn json_field(name: &'static str, sdl: &str) -> Field {
    let object = !is_scalar(base_type(sdl));
    Field::new(name, tref(sdl), move |ctx| {
        let value = ctx
            .parent_value
            .downcast_ref::<Value>()
            .and_then(|p| p.get(name))
            .cloned()
            .unwrap_or(Value::Null);
        FieldFuture::Value(field_value(value, object))
    })
}

fn json_object(name: &str, fields: &[(&'static str, &str)]) -> Object {
    fields
        .iter()
        .fold(Object::new(name), |o, (f, t)| o.field(json_field(f, t)))
}

fn refusal_error(refusal: Refusal, what: &str) -> async_graphql::Error {
    match refusal {
        Refusal::Invalid(errors) => {
            let details = GqlValue::from_json(Value::Object(errors.clone())).unwrap_or_default();
            let listed: Vec<String> = errors
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                .collect();
            async_graphql::Error::new(format!("invalid input: {}", listed.join("; "))).extend_with(
                move |_, e| {
                    e.set("code", "VALIDATION_ERROR");
                    e.set("validationErrors", details.clone());
                },
            )
        }
        Refusal::Conflict(message) => error("CONFLICT", message),
        Refusal::NotFound => error("NOT_FOUND", format!("no {what} with that id")),
        Refusal::NotAnObject | Refusal::ReadOnly => {
            error("BAD_REQUEST", format!("{what} cannot be written this way"))
        }
    }
}

/// `GetItemById`'s shape (facts §1.6 ItemdetailsItem): identifiers, prices, categories.
fn item_details(catalogue: &Catalogue, row: &Row) -> Value {
    let pick = |k: &str| row.get(k).cloned().unwrap_or(Value::Null);
    let categories: Vec<Value> = row
        .get("categoryIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().and_then(|id| catalogue.get("categories", id)))
                .map(|c| Value::Object(c.clone()))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": pick("id"),
        "name": pick("name"),
        "description": pick("description"),
        "isActive": pick("isActive"),
        "manufacturerName": pick("manufacturerName"),
        "identifiers": {
            "sku": pick("sku"), "gtin": pick("gtin"), "isbn": pick("isbn"),
            "manufacturerNumber": pick("manufacturerNumber"), "amazonFnsku": pick("amazonFnsku"),
            "tariccode": pick("tariccode"),
        },
        "prices": { "salesPriceNet": pick("salesPriceNet"), "salesPriceGross": pick("salesPriceGross") },
        "stockTotal": pick("stockTotal"),
        "categories": categories,
        "createdDate": pick("createdDate"),
        "modifiedDate": pick("modifiedDate"),
    })
}

/// A nullable field's answer: on an error, the error (with its path) and `null`, so the
/// other fields keep their data (facts §1.7: partial `data`). async-graphql's dynamic schema
/// would otherwise null the whole response.
fn partial<'a>(ctx: &ResolverContext<'a>, result: async_graphql::Result<Value>) -> FieldFuture<'a> {
    match result {
        Ok(v) => FieldFuture::Value(field_value(v, true)),
        Err(e) => {
            ctx.add_error(ctx.set_error_path(e.into_server_error(ctx.item.pos)));
            FieldFuture::Value(None)
        }
    }
}

fn ctx_of<'a>(ctx: &ResolverContext<'a>) -> async_graphql::Result<&'a Ctx> {
    ctx.data::<Ctx>()
}

fn json_arg(ctx: &ResolverContext<'_>, name: &str) -> Option<Value> {
    ctx.args
        .get(name)
        .and_then(|a| a.as_value().clone().into_json().ok())
        .filter(|v| !v.is_null())
}

fn window(ctx: &ResolverContext<'_>, data: &Ctx) -> async_graphql::Result<Window> {
    let count = |name: &str| -> async_graphql::Result<Option<u64>> {
        match ctx.args.get(name) {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(None),
            Some(v) => {
                let n = v.i64()?;
                match u64::try_from(n) {
                    Ok(n) if n <= data.max_page_size => Ok(Some(n)),
                    _ => Err(error(
                        "PAGE_SIZE_OUT_OF_RANGE",
                        format!(
                            "{name} must be between 0 and {} (the maximum page size); found {n}",
                            data.max_page_size
                        ),
                    )),
                }
            }
        }
    };
    let text = |name: &str| {
        ctx.args
            .get(name)
            .and_then(|v| v.string().ok().map(str::to_owned))
    };
    Ok(Window {
        first: count("first")?,
        after: text("after"),
        last: count("last")?,
        before: text("before"),
        default_size: data.default_page_size,
    })
}

fn query_field(entity: &'static Entity) -> Field {
    let connection = format!("{}Connection", entity.query);
    // Nullable, as HotChocolate declares connections: an error leaves the other root fields.
    let mut field = Field::new(entity.query, TypeRef::named(connection), move |ctx| {
        let result = (|| {
            let data = ctx_of(&ctx)?;
            let window = window(&ctx, data)?;
            let mut rows = data
                .shared
                .lock()
                .catalogue(&data.tenant)
                .rows(entity.resource);
            if let Some(term) = ctx.args.get("searchTerm").and_then(|v| v.string().ok()) {
                let term = term.to_lowercase();
                rows.retain(|r| {
                    ["sku", "name", "gtin"].iter().any(|k| {
                        r.get(*k)
                            .and_then(Value::as_str)
                            .is_some_and(|v| v.to_lowercase().contains(&term))
                    })
                });
            }
            if let Some(filter) = json_arg(&ctx, "where") {
                rows.retain(|r| connection::matches(r, &filter));
            }
            if let Some(order) = json_arg(&ctx, "order") {
                connection::sort(&mut rows, &order);
            }
            let with_edges = ctx.look_ahead().field("edges").exists();
            connection::page(entity.resource, rows, &window, with_edges)
        })();
        partial(&ctx, result)
    })
    .argument(InputValue::new("first", TypeRef::named(TypeRef::INT)))
    .argument(InputValue::new("after", TypeRef::named(TypeRef::STRING)))
    .argument(InputValue::new("last", TypeRef::named(TypeRef::INT)))
    .argument(InputValue::new("before", TypeRef::named(TypeRef::STRING)))
    .argument(InputValue::new(
        "where",
        TypeRef::named(format!("{}FilterInput", entity.node)),
    ))
    .argument(InputValue::new(
        "order",
        TypeRef::named_nn_list(format!("{}SortInput", entity.node)),
    ));
    if entity.resource == "items" {
        field = field.argument(InputValue::new(
            "searchTerm",
            TypeRef::named(TypeRef::STRING),
        ));
    }
    field
}

fn get_field(entity: &'static Entity, name: &'static str) -> Field {
    let ty = if entity.resource == "items" {
        "ItemdetailsItem"
    } else {
        entity.node
    };
    Field::new(name, TypeRef::named(ty), move |ctx| {
        let result = (|| {
            let data = ctx_of(&ctx)?;
            let id = ctx.args.try_get("id")?.string()?.to_owned();
            let mut inner = data.shared.lock();
            let catalogue = inner.catalogue(&data.tenant);
            let row = catalogue.get(entity.resource, &id).ok_or_else(|| {
                error(
                    "NOT_FOUND",
                    format!(
                        "no {} with id {id:?}",
                        entity.node.trim_end_matches("ListItem")
                    ),
                )
            })?;
            Ok(if entity.resource == "items" {
                item_details(catalogue, row)
            } else {
                Value::Object(row.clone())
            })
        })();
        partial(&ctx, result)
    })
    .argument(InputValue::new("id", TypeRef::named_nn(TypeRef::ID)))
}

fn mutation_field(m: &'static Mutation) -> Field {
    let input = format!("{}CommandRequestInput", m.name);
    let payload = format!("{}CommandResponse", m.name);
    Field::new(m.name, TypeRef::named_nn(payload), move |ctx| {
        let result = (|| {
            let data = ctx_of(&ctx)?;
            let mut fields: Row = match json_arg(&ctx, "request") {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            // An explicit null means "not given" here: JTL's inputs are all-optional patches.
            fields.retain(|_, v| !v.is_null());
            let mut inner = data.shared.lock();
            let what = m.resource.trim_end_matches('s');
            if m.id_field.is_empty() {
                let row = create_record(&mut inner, &data.tenant, m.resource, fields)
                    .map_err(|r| refusal_error(r, what))?;
                let key = m.payload[0].0;
                return Ok(json!({ key: row.get("id") }));
            }
            let id = fields
                .remove(m.id_field)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let catalogue = inner.catalogue(&data.tenant);
            let row = catalogue
                .update(m.resource, &id, fields, true)
                .map_err(|r| refusal_error(r, what))?;
            let key = m.payload[0].0;
            Ok(if m.resource == "items" {
                json!({ key: item_details(catalogue, &row) })
            } else {
                json!({ key: row })
            })
        })();
        FieldFuture::new(async move { result.map(|v| field_value(v, true)) })
    })
    .argument(InputValue::new("request", TypeRef::named_nn(input)))
}

fn operation_filter(name: &str, scalar: &str, ops: &[&str]) -> InputObject {
    ops.iter().fold(InputObject::new(name), |o, op| {
        let ty = if matches!(*op, "in" | "nin") {
            TypeRef::named_list(scalar)
        } else if matches!(*op, "contains" | "ncontains" | "startsWith" | "endsWith") {
            TypeRef::named(TypeRef::STRING)
        } else {
            TypeRef::named(scalar)
        };
        o.field(InputValue::new(*op, ty))
    })
}

fn filter_type(scalar: &str) -> &'static str {
    match scalar {
        "ID" => "IdOperationFilterInput",
        "String" => "StringOperationFilterInput",
        "Int" => "IntOperationFilterInput",
        "Decimal" => "DecimalOperationFilterInput",
        "Boolean" => "BooleanOperationFilterInput",
        _ => "DateTimeOperationFilterInput",
    }
}

/// Builds the schema with the given limits. Introspection stays on (facts §1.1).
pub(crate) fn build(max_depth: usize, max_complexity: usize) -> Result<Schema, String> {
    let mut query = Object::new("Query");
    let mut mutation = Object::new("Mutation");
    let mut builder = Schema::build("Query", Some("Mutation"), None)
        .limit_depth(max_depth)
        .limit_complexity(max_complexity)
        .register(Scalar::new("Decimal").description("A decimal number, sent as a JSON number"))
        .register(Scalar::new("DateTime").description("An ISO-8601 date and time"))
        .register(Enum::new("SortEnumType").item("ASC").item("DESC"))
        .register(json_object(
            "PageInfo",
            &[
                ("hasNextPage", "Boolean!"),
                ("hasPreviousPage", "Boolean!"),
                ("startCursor", "String"),
                ("endCursor", "String"),
            ],
        ))
        .register(json_object(
            "SalesOrderLineItem",
            &[
                ("id", "ID!"),
                ("salesOrderId", "ID!"),
                ("itemId", "ID"),
                ("sku", "String"),
                ("name", "String"),
                ("quantity", "Decimal!"),
                ("salesPriceNet", "Decimal"),
                ("totalSalesPriceNet", "Decimal"),
                ("totalSalesPriceGross", "Decimal"),
                ("sortOrder", "Int"),
            ],
        ))
        .register(json_object(
            "ItemIdentifiers",
            &[
                ("sku", "String!"),
                ("gtin", "String"),
                ("isbn", "String"),
                ("manufacturerNumber", "String"),
                ("amazonFnsku", "String"),
                ("tariccode", "String"),
            ],
        ))
        .register(json_object(
            "ItemPrices",
            &[("salesPriceNet", "Decimal"), ("salesPriceGross", "Decimal")],
        ))
        .register(json_object(
            "ItemdetailsItem",
            &[
                ("id", "ID!"),
                ("name", "String!"),
                ("description", "String"),
                ("isActive", "Boolean!"),
                ("manufacturerName", "String"),
                ("identifiers", "ItemIdentifiers!"),
                ("prices", "ItemPrices!"),
                ("stockTotal", "Decimal"),
                ("categories", "[CategoryListItem!]!"),
                ("createdDate", "DateTime"),
                ("modifiedDate", "DateTime"),
            ],
        ));
    for (name, scalar, ops) in [
        (
            "IdOperationFilterInput",
            "ID",
            &["eq", "neq", "in", "nin"][..],
        ),
        (
            "StringOperationFilterInput",
            "String",
            &[
                "eq",
                "neq",
                "in",
                "nin",
                "contains",
                "ncontains",
                "startsWith",
                "endsWith",
            ][..],
        ),
        (
            "IntOperationFilterInput",
            "Int",
            &["eq", "neq", "in", "nin", "gt", "gte", "lt", "lte"][..],
        ),
        (
            "DecimalOperationFilterInput",
            "Decimal",
            &["eq", "neq", "in", "nin", "gt", "gte", "lt", "lte"][..],
        ),
        (
            "DateTimeOperationFilterInput",
            "DateTime",
            &["eq", "neq", "in", "nin", "gt", "gte", "lt", "lte"][..],
        ),
        ("BooleanOperationFilterInput", "Boolean", &["eq", "neq"][..]),
    ] {
        builder = builder.register(operation_filter(name, scalar, ops));
    }
    for entity in &ENTITIES {
        let filter_name = format!("{}FilterInput", entity.node);
        let sort_name = format!("{}SortInput", entity.node);
        let mut filter = InputObject::new(&filter_name)
            .field(InputValue::new("and", TypeRef::named_nn_list(&filter_name)))
            .field(InputValue::new("or", TypeRef::named_nn_list(&filter_name)));
        let mut sort = InputObject::new(&sort_name);
        for (name, sdl) in entity.fields {
            if sdl.starts_with('[') {
                continue;
            }
            let scalar = base_type(sdl);
            filter = filter.field(InputValue::new(*name, TypeRef::named(filter_type(scalar))));
            sort = sort.field(InputValue::new(*name, TypeRef::named("SortEnumType")));
        }
        let node = entity
            .objects
            .iter()
            .fold(json_object(entity.node, entity.fields), |o, (f, t)| {
                o.field(json_field(f, t))
            });
        let edge = format!("{}Edge", entity.query);
        let edge_sdl = format!("{}!", entity.node);
        let edges_sdl = format!("[{edge}!]");
        let nodes_sdl = format!("[{}!]", entity.node);
        builder = builder
            .register(filter)
            .register(sort)
            .register(node)
            .register(json_object(
                &edge,
                &[("cursor", "String!"), ("node", edge_sdl.as_str())],
            ))
            .register(json_object(
                &format!("{}Connection", entity.query),
                &[
                    ("pageInfo", "PageInfo!"),
                    ("edges", edges_sdl.as_str()),
                    ("nodes", nodes_sdl.as_str()),
                    ("totalCount", "Int!"),
                ],
            ));
        query = query.field(query_field(entity));
        if let Some(get) = entity.get {
            query = query.field(get_field(entity, get));
        }
    }
    for m in &MUTATIONS {
        let mut input = InputObject::new(format!("{}CommandRequestInput", m.name));
        let extra: &[(&str, &str)] = if m.resource == "items" {
            ITEM_INPUT
        } else {
            &[]
        };
        for (name, sdl) in m.input.iter().chain(extra) {
            input = input.field(InputValue::new(*name, tref(sdl)));
        }
        builder = builder.register(input).register(json_object(
            &format!("{}CommandResponse", m.name),
            m.payload,
        ));
        mutation = mutation.field(mutation_field(m));
    }
    // The tables above are fixed, so a failure here is a bug the first test shows.
    builder
        .register(query)
        .register(mutation)
        .finish()
        .map_err(|e| format!("the GraphQL schema is inconsistent: {e}"))
}

static CACHE: Mutex<Option<((usize, usize), Schema)>> = Mutex::new(None);

/// The schema for these limits, built once per limit pair.
pub(crate) fn cached(max_depth: usize, max_complexity: usize) -> Result<Schema, String> {
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    match cache.as_ref() {
        Some((limits, schema)) if *limits == (max_depth, max_complexity) => Ok(schema.clone()),
        _ => {
            let schema = build(max_depth, max_complexity)?;
            *cache = Some(((max_depth, max_complexity), schema.clone()));
            Ok(schema)
        }
    }
}
