//! The in-memory ERP data behind the Cloud ERP API (REST v2 and GraphQL) and the Wawi API:
//! seeded the same way for every tenant, changeable through REST writes and GraphQL mutations.
//!
//! Rows are stored under the GraphQL field names of facts §1.6 (`id`, `sku`, `name`,
//! `salesPriceNet`, …); REST v2 renders them with JTL's acronym casing (`sKU`, facts §2) through
//! [`to_rest`]/[`from_rest`], and Wawi in PascalCase with its numeric ids. Ids are UUID-like
//! strings (`0000000a-0000-4000-8000-000000000007`), the number at the end being the row's key,
//! the way JTL's v2 ids carry their internal key.

use std::collections::{BTreeMap, HashMap};

use serde::{ser::SerializeMap, Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::clock::{now, rfc3339};

/// The resources REST v2 serves, as they appear in paths (kebab-case, facts §2).
pub(crate) const RESOURCES: [&str; 6] = [
    "items",
    "customers",
    "sales-orders",
    "sales-channels",
    "categories",
    "warehouses",
];

/// Stock per item and warehouse: derived from the items, served by GraphQL `QueryStock`.
pub(crate) const STOCK: &str = "stock";

const SEEDED_ITEMS: u64 = 60;
const SEEDED_CUSTOMERS: u64 = 30;
const SEEDED_ORDERS: u64 = 25;
const CITIES: [(&str, &str); 5] = [
    ("Hückelhoven", "41836"),
    ("Berlin", "10115"),
    ("München", "80331"),
    ("Köln", "50667"),
    ("Hamburg", "20095"),
];
const ORDER_STATES: [&str; 3] = ["open", "paid", "shipped"];
const MANUFACTURERS: [&str; 4] = ["JTL", "Acme", "Holzwerk", "Nordlicht"];
const CATEGORIES: [&str; 8] = [
    "Möbel", "Küche", "Garten", "Stühle", "Tische", "Töpfe", "Pflanzen", "Lampen",
];
const CHANNELS: [&str; 3] = ["JTL-Shop", "Amazon", "eBay"];
const WAREHOUSES: [(&str, &str); 2] = [("Standardlager", "L1"), ("Außenlager", "L2")];

/// v2 REST spells these acronyms oddly (`sKU`, `iSBN`, `uPC`; facts §2); GraphQL plainly.
const ACRONYMS: [(&str, &str); 3] = [("sku", "sKU"), ("isbn", "iSBN"), ("upc", "uPC")];

/// A stored record under its GraphQL field names.
pub(crate) type Row = Map<String, Value>;

#[derive(Clone, Default)]
struct Table {
    rows: BTreeMap<u64, Row>,
    next: u64,
}

/// Why a write was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The body is not a JSON object.
    NotAnObject,
    /// Field-level problems (422 `validationErrors`), keyed by GraphQL field name.
    Invalid(Map<String, Value>),
    /// A unique field is taken (409).
    Conflict(String),
    /// No such record (404).
    NotFound,
    /// The resource cannot be written (stock is derived from items).
    ReadOnly,
}

/// What a mutation answered, kept for `Idempotency-Key` replays (facts §1.1).
#[derive(Clone)]
pub(crate) enum Idempotent {
    /// The first request with this key is still running.
    Pending,
    /// Its answer: the request fingerprint and the response body.
    Done { fingerprint: String, body: Value },
}

/// One tenant's ERP data.
#[derive(Clone)]
pub(crate) struct Catalogue {
    tables: BTreeMap<&'static str, Table>,
    /// Mutation answers by `Idempotency-Key`.
    pub(crate) idempotency: HashMap<String, Idempotent>,
}

/// The canonical resource name for a REST path segment, if it is one.
pub(crate) fn resource(segment: &str) -> Option<&'static str> {
    RESOURCES.iter().copied().find(|r| *r == segment)
}

/// The resource a Wawi path names (OnPremise keeps the camelCase v1 names: `salesOrders`).
pub(crate) fn wawi_resource(segment: &str) -> Option<&'static str> {
    RESOURCES
        .iter()
        .copied()
        .find(|r| r.replace('-', "").eq_ignore_ascii_case(segment) || *r == segment)
}

fn tag(resource: &str) -> u32 {
    match resource {
        "items" => 0x0a,
        "customers" => 0x0c,
        "sales-orders" => 0x50,
        "sales-channels" => 0x5c,
        "categories" => 0xca,
        "warehouses" => 0xe1,
        "sales-order-lines" => 0x51,
        _ => 0x57,
    }
}

/// The UUID-like id of row `n` of `resource`.
pub(crate) fn id_of(resource: &str, n: u64) -> String {
    format!("{:08x}-0000-4000-8000-{n:012x}", tag(resource))
}

/// The row key an id names, if it is an id of `resource`.
fn number_of(resource: &str, id: &str) -> Option<u64> {
    let (head, tail) = id.split_once('-')?;
    let rest = tail.strip_prefix("0000-4000-8000-")?;
    (u32::from_str_radix(head, 16).ok()? == tag(resource) && head.len() == 8 && rest.len() == 12)
        .then(|| u64::from_str_radix(rest, 16).ok())
        .flatten()
}

fn date(day: u64, hour: u64) -> String {
    format!("2026-01-{:02}T{:02}:00:00Z", day.clamp(1, 28), hour % 24)
}

fn money(cents: u64) -> Value {
    json!(cents as f64 / 100.0)
}

fn gross(net: f64) -> f64 {
    (net * 119.0).round() / 100.0
}

fn object(value: Value) -> Row {
    match value {
        Value::Object(map) => map,
        _ => Row::new(),
    }
}

impl Catalogue {
    pub(crate) fn seeded() -> Self {
        let categories = (1..=CATEGORIES.len() as u64).map(|n| {
            json!({
                "id": id_of("categories", n),
                "parentId": (n > 3).then(|| id_of("categories", (n - 4) % 3 + 1)),
                "sortNumber": n,
                "name": CATEGORIES[(n - 1) as usize],
            })
        });
        let items = (1..=SEEDED_ITEMS).map(|i| {
            let cents = (i * 137) % 9000 + 99;
            let stock = (i * 7) % 50;
            json!({
                "id": id_of("items", i),
                "sku": format!("EMU-{i:04}"),
                "name": format!("Emulator item {i}"),
                "description": format!("Item {i} of the emulator's catalogue"),
                "gtin": format!("4006381{i:06}"),
                "salesPriceNet": money(cents),
                "salesPriceGross": gross(cents as f64 / 100.0),
                "stockTotal": stock,
                "stockAvailable": stock,
                "isActive": i % 10 != 0,
                "manufacturerName": MANUFACTURERS[(i % 4) as usize],
                "categoryIds": [id_of("categories", (i - 1) % 8 + 1)],
                "createdDate": date(1 + i / 24, i),
                "modifiedDate": date(1 + i / 24, i),
            })
        });
        let customers = (1..=SEEDED_CUSTOMERS).map(|i| {
            let (city, postal) = CITIES[(i % 5) as usize];
            json!({
                "id": id_of("customers", i),
                "customerNumber": format!("K{:05}", 10_000 + i),
                "companyName": format!("Kunde {i} GmbH"),
                "firstName": "Erika",
                "lastName": format!("Muster{i}"),
                "emailAddress": format!("kunde{i}@example.com"),
                "city": city,
                "postalCode": postal,
                "countryIso": "DE",
                "isLocked": false,
                "createdDate": date(i, 9),
            })
        });
        let mut catalogue = Self {
            tables: BTreeMap::new(),
            idempotency: HashMap::new(),
        };
        catalogue.fill("categories", categories.collect());
        catalogue.fill("items", items.collect());
        catalogue.fill("customers", customers.collect());
        let orders: Vec<Value> = (1..=SEEDED_ORDERS)
            .map(|i| {
                let customer = id_of("customers", (i % SEEDED_CUSTOMERS) + 1);
                let line = json!({ "itemId": id_of("items", (i % SEEDED_ITEMS) + 1), "quantity": (i % 4) + 1 });
                let mut order = object(json!({
                    "id": id_of("sales-orders", i),
                    "salesOrderNumber": format!("AU{:06}", 2_026_000 + i),
                    "salesOrderDate": format!("2026-02-{:02}T12:00:00Z", i),
                    "customerId": customer,
                    "status": ORDER_STATES[(i % 3) as usize],
                    "lineItems": [line],
                }));
                catalogue.complete_order(&mut order, i);
                Value::Object(order)
            })
            .collect();
        catalogue.fill("sales-orders", orders);
        let channels = CHANNELS.iter().enumerate().map(|(n, name)| {
            json!({ "id": id_of("sales-channels", n as u64 + 1), "name": name, "isActive": true })
        });
        catalogue.fill("sales-channels", channels.collect());
        let warehouses = WAREHOUSES.iter().enumerate().map(|(n, (name, code))| {
            json!({ "id": id_of("warehouses", n as u64 + 1), "name": name, "code": code, "isActive": true })
        });
        catalogue.fill("warehouses", warehouses.collect());
        catalogue
    }

    fn fill(&mut self, resource: &'static str, rows: Vec<Value>) {
        let rows: BTreeMap<u64, Row> = rows
            .into_iter()
            .enumerate()
            .map(|(n, row)| (n as u64 + 1, object(row)))
            .collect();
        let next = rows.len() as u64 + 1;
        self.tables.insert(resource, Table { rows, next });
    }

    fn table(&self, resource: &str) -> Option<&Table> {
        self.tables.get(resource)
    }

    /// Every row of `resource` in key order (stock: derived per item and warehouse).
    pub(crate) fn rows(&self, resource: &str) -> Vec<Row> {
        if resource == STOCK {
            return self.stock_rows();
        }
        self.table(resource)
            .map(|t| t.rows.values().cloned().collect())
            .unwrap_or_default()
    }

    /// `f` over `take` rows of `resource` after the first `skip` (key order) and how many
    /// there are in all, the rows borrowed: a REST page is serialized straight from the table
    /// (issue 19: copying each row, renaming its keys and building the envelope as a `Value`
    /// was three quarters of the emulator's time per 100-item page).
    pub(crate) fn with_rows<T>(
        &self,
        resource: &str,
        skip: usize,
        take: usize,
        f: impl FnOnce(&[&Row], u64) -> T,
    ) -> T {
        if resource == STOCK {
            let rows = self.stock_rows();
            let page: Vec<&Row> = rows.iter().skip(skip).take(take).collect();
            return f(&page, rows.len() as u64);
        }
        match self.table(resource) {
            Some(t) => {
                let page: Vec<&Row> = t.rows.values().skip(skip).take(take).collect();
                f(&page, t.rows.len() as u64)
            }
            None => f(&[], 0),
        }
    }

    /// The row with id `id`.
    pub(crate) fn get(&self, resource: &str, id: &str) -> Option<&Row> {
        let n = number_of(resource, &id.to_ascii_lowercase())?;
        self.table(resource)?.rows.get(&n)
    }

    /// Wawi's view of a page (1-based): rows with their numeric key as `id`.
    pub(crate) fn wawi_page(&self, resource: &str, number: u64, size: u64) -> (Vec<Value>, u64) {
        let Some(table) = self.table(resource) else {
            return (Vec::new(), 0);
        };
        let skip =
            usize::try_from(number.saturating_sub(1).saturating_mul(size)).unwrap_or(usize::MAX);
        let take = usize::try_from(size).unwrap_or(usize::MAX);
        let items = table
            .rows
            .iter()
            .skip(skip)
            .take(take)
            .map(|(n, row)| wawi_row(*n, row))
            .collect();
        (items, table.rows.len() as u64)
    }

    /// Wawi's view of the row with numeric key `n`.
    pub(crate) fn wawi_get(&self, resource: &str, n: u64) -> Option<Value> {
        self.table(resource)?
            .rows
            .get(&n)
            .map(|row| wawi_row(n, row))
    }

    fn stock_rows(&self) -> Vec<Row> {
        let Some(items) = self.table("items") else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for (n, item) in &items.rows {
            let total = item
                .get("stockTotal")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            let outer = (total / 3.0).floor();
            for (w, quantity) in [(1u64, total - outer), (2, outer)] {
                rows.push(object(json!({
                    "id": id_of(STOCK, n * 16 + w),
                    "itemId": item.get("id"),
                    "sku": item.get("sku"),
                    "warehouseId": id_of("warehouses", w),
                    "stockTotal": quantity,
                    "stockAvailable": quantity,
                })));
            }
        }
        rows
    }

    /// Adds a record; `fields` use GraphQL names. Fills server-side fields (id, dates,
    /// defaults) and returns the stored row.
    pub(crate) fn create(&mut self, resource: &'static str, fields: Row) -> Result<Row, Refusal> {
        if resource == STOCK {
            return Err(Refusal::ReadOnly);
        }
        let mut fields = fields;
        fields.remove("id");
        self.validate(resource, &fields, None)?;
        let n = self.table(resource).map_or(1, |t| t.next);
        let stamp = rfc3339(now());
        let mut row = Row::new();
        row.insert("id".into(), json!(id_of(resource, n)));
        match resource {
            "items" => {
                let stock = fields.get("stockTotal").cloned().unwrap_or(json!(0));
                for (key, default) in [
                    ("isActive", json!(true)),
                    ("stockTotal", stock.clone()),
                    ("stockAvailable", stock),
                    ("categoryIds", json!([])),
                ] {
                    row.insert(key.into(), default);
                }
            }
            "customers" => {
                row.insert(
                    "customerNumber".into(),
                    json!(format!("K{:05}", 10_000 + n)),
                );
                row.insert("isLocked".into(), json!(false));
            }
            "categories" => {
                row.insert("parentId".into(), Value::Null);
                row.insert("sortNumber".into(), json!(n));
            }
            "sales-orders" => {
                row.insert(
                    "salesOrderNumber".into(),
                    json!(format!("AU{:06}", 2_026_000 + n)),
                );
                row.insert("salesOrderDate".into(), json!(stamp));
                row.insert("status".into(), json!("open"));
            }
            _ => {}
        }
        row.extend(fields);
        if resource == "sales-orders" {
            self.complete_order(&mut row, n);
        }
        if matches!(resource, "items" | "customers") {
            row.entry("createdDate").or_insert(json!(stamp));
        }
        if resource == "items" {
            row.insert("modifiedDate".into(), json!(stamp));
        }
        let table = self.tables.entry(resource).or_default();
        table.next = n + 1;
        table.rows.insert(n, row.clone());
        Ok(row)
    }

    /// PUT (`merge == false`: the body replaces the record's fields) or PATCH and GraphQL
    /// changes (`merge == true`). The id and creation date stay.
    pub(crate) fn update(
        &mut self,
        resource: &'static str,
        id: &str,
        fields: Row,
        merge: bool,
    ) -> Result<Row, Refusal> {
        if resource == STOCK {
            return Err(Refusal::ReadOnly);
        }
        let n = number_of(resource, &id.to_ascii_lowercase()).ok_or(Refusal::NotFound)?;
        let Some(existing) = self.table(resource).and_then(|t| t.rows.get(&n)).cloned() else {
            return Err(Refusal::NotFound);
        };
        let mut merged = if merge { existing.clone() } else { Row::new() };
        merged.extend(fields);
        for key in ["id", "createdDate", "salesOrderNumber"] {
            match existing.get(key) {
                Some(v) => merged.insert(key.into(), v.clone()),
                None => merged.remove(key),
            };
        }
        self.validate(resource, &merged, Some(n))?;
        if resource == "items" {
            merged.insert("modifiedDate".into(), json!(rfc3339(now())));
        }
        if resource == "sales-orders" {
            self.complete_order(&mut merged, n);
        }
        self.tables
            .entry(resource)
            .or_default()
            .rows
            .insert(n, merged.clone());
        Ok(merged)
    }

    /// Removes a record; `false` when there was none.
    pub(crate) fn delete(&mut self, resource: &str, id: &str) -> bool {
        let Some(n) = number_of(resource, &id.to_ascii_lowercase()) else {
            return false;
        };
        self.tables
            .get_mut(resource)
            .is_some_and(|t| t.rows.remove(&n).is_some())
    }

    /// Fills an order's derived fields: line ids, SKUs, names, prices, totals, customer data.
    fn complete_order(&self, order: &mut Row, n: u64) {
        let mut total_net = 0.0;
        let mut lines = Vec::new();
        let given = order
            .get("lineItems")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (position, line) in given.into_iter().enumerate() {
            let mut line = object(line);
            let item = line
                .get("itemId")
                .and_then(Value::as_str)
                .and_then(|id| self.get("items", id))
                .cloned()
                .unwrap_or_default();
            let quantity = line.get("quantity").and_then(Value::as_f64).unwrap_or(0.0);
            let price = item
                .get("salesPriceNet")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            let line_net = (price * quantity * 100.0).round() / 100.0;
            total_net += line_net;
            line.insert(
                "id".into(),
                json!(id_of("sales-order-lines", n * 1000 + position as u64 + 1)),
            );
            line.insert("salesOrderId".into(), json!(id_of("sales-orders", n)));
            for key in ["sku", "name", "salesPriceNet"] {
                line.insert(key.into(), item.get(key).cloned().unwrap_or(Value::Null));
            }
            line.insert("totalSalesPriceNet".into(), json!(line_net));
            line.insert("totalSalesPriceGross".into(), json!(gross(line_net)));
            line.insert("sortOrder".into(), json!(position + 1));
            lines.push(Value::Object(line));
        }
        order.insert("lineItems".into(), Value::Array(lines));
        order.insert("totalGrossAmount".into(), json!(gross(total_net)));
        order.entry("currencyIso").or_insert(json!("EUR"));
        let customer = order
            .get("customerId")
            .and_then(Value::as_str)
            .and_then(|id| self.get("customers", id))
            .cloned()
            .unwrap_or_default();
        for key in ["customerNumber", "companyName"] {
            order.insert(
                key.into(),
                customer.get(key).cloned().unwrap_or(Value::Null),
            );
        }
    }

    fn validate(
        &self,
        resource: &'static str,
        fields: &Row,
        own: Option<u64>,
    ) -> Result<(), Refusal> {
        let mut errors = Map::new();
        let mut problem = |field: &str, message: &str| {
            errors.insert(field.to_owned(), Value::String(message.to_owned()));
        };
        match resource {
            "items" => {
                required_text(fields, "sku", 64, &mut problem);
                required_text(fields, "name", 255, &mut problem);
                for key in ["salesPriceNet", "salesPriceGross", "stockTotal"] {
                    match fields.get(key) {
                        None | Some(Value::Null) => {}
                        Some(Value::Number(n)) if n.as_f64().is_some_and(|p| p >= 0.0) => {}
                        Some(_) => problem(key, "expected a number of at least 0"),
                    }
                }
                optional_kind(
                    fields,
                    "isActive",
                    Value::is_boolean,
                    "a boolean",
                    &mut problem,
                );
                optional_kind(fields, "gtin", Value::is_string, "a string", &mut problem);
                if let Some(ids) = fields.get("categoryIds") {
                    let known = ids.as_array().is_some_and(|ids| {
                        ids.iter().all(|id| {
                            id.as_str()
                                .is_some_and(|id| self.get("categories", id).is_some())
                        })
                    });
                    if !known {
                        problem(
                            "categoryIds",
                            "expected a list of ids of existing categories",
                        );
                    }
                }
            }
            "customers" => {
                let named = ["companyName", "lastName"].iter().any(|key| {
                    fields
                        .get(*key)
                        .and_then(Value::as_str)
                        .is_some_and(|s| !s.trim().is_empty())
                });
                if !named {
                    problem("lastName", "either lastName or companyName is required");
                }
                match fields.get("emailAddress") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(e))
                        if e.contains('@') && !e.starts_with('@') && !e.ends_with('@') => {}
                    Some(_) => problem(
                        "emailAddress",
                        "expected an e-mail address like name@example.com",
                    ),
                }
            }
            "categories" => {
                required_text(fields, "name", 255, &mut problem);
                match fields.get("parentId") {
                    None | Some(Value::Null) => {}
                    Some(Value::String(p)) if self.get("categories", p).is_some() => {
                        if own.is_some_and(|own| id_of("categories", own) == p.to_ascii_lowercase())
                        {
                            problem("parentId", "a category cannot be its own parent");
                        }
                    }
                    Some(_) => problem("parentId", "expected the id of an existing category"),
                }
                optional_kind(
                    fields,
                    "sortNumber",
                    Value::is_u64,
                    "a whole number",
                    &mut problem,
                );
            }
            "sales-orders" => {
                match fields.get("customerId").and_then(Value::as_str) {
                    Some(c) if self.get("customers", c).is_some() => {}
                    Some(c) => problem("customerId", &format!("no customer with id {c:?}")),
                    None => problem("customerId", "is required (the id of an existing customer)"),
                }
                match fields.get("lineItems").and_then(Value::as_array) {
                    Some(lines) if !lines.is_empty() => {
                        for (n, line) in lines.iter().enumerate() {
                            match line.get("itemId").and_then(Value::as_str) {
                                Some(i) if self.get("items", i).is_some() => {}
                                _ => problem(
                                    &format!("lineItems[{n}].itemId"),
                                    "expected the id of an existing item",
                                ),
                            }
                            let quantity = line.get("quantity").and_then(Value::as_f64);
                            if !quantity.is_some_and(|q| q > 0.0) {
                                problem(
                                    &format!("lineItems[{n}].quantity"),
                                    "expected a number greater than 0",
                                );
                            }
                        }
                    }
                    _ => problem("lineItems", "expected at least one line item"),
                }
            }
            _ => required_text(fields, "name", 255, &mut problem),
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        if resource == "items" {
            let sku = fields.get("sku").and_then(Value::as_str);
            let taken = self.table("items").is_some_and(|t| {
                t.rows.iter().any(|(n, row)| {
                    Some(*n) != own && row.get("sku").and_then(Value::as_str) == sku
                })
            });
            if taken {
                return Err(Refusal::Conflict(format!(
                    "an item with SKU {:?} already exists",
                    sku.unwrap_or_default()
                )));
            }
        }
        Ok(())
    }
}

fn wawi_row(n: u64, row: &Row) -> Value {
    let mut row = row.clone();
    row.insert("id".into(), json!(n));
    Value::Object(row)
}

fn required_text(fields: &Row, field: &str, max_len: usize, problem: &mut impl FnMut(&str, &str)) {
    match fields.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max_len => {}
        Some(Value::String(s)) if s.trim().is_empty() => problem(field, "must not be empty"),
        Some(Value::String(_)) => problem(field, &format!("must be at most {max_len} characters")),
        Some(_) => problem(field, "expected a string"),
        None => problem(field, "is required"),
    }
}

fn optional_kind(
    fields: &Row,
    field: &str,
    is: fn(&Value) -> bool,
    what: &str,
    problem: &mut impl FnMut(&str, &str),
) {
    if let Some(value) = fields.get(field) {
        if !value.is_null() && !is(value) {
            problem(field, &format!("expected {what}"));
        }
    }
}

/// A stored value in REST v2 casing (`sku` → `sKU`), recursively.
pub(crate) fn to_rest(value: Value) -> Value {
    rename(value, |key| {
        ACRONYMS
            .iter()
            .find(|(plain, _)| *plain == key)
            .map(|(_, rest)| (*rest).to_owned())
    })
}

/// A stored value serialized in REST v2 casing, without copying it: what [`to_rest`] gives,
/// written straight into a response body.
pub(crate) struct Rest<'a>(pub(crate) &'a Value);

/// A stored row serialized in REST v2 casing (see [`Rest`]).
pub(crate) struct RestRow<'a>(pub(crate) &'a Row);

/// Rows serialized as a JSON array in REST v2 casing (see [`Rest`]).
pub(crate) struct RestRows<'a>(pub(crate) &'a [&'a Row]);

impl Serialize for Rest<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(row) => RestRow(row).serialize(serializer),
            Value::Array(items) => serializer.collect_seq(items.iter().map(Rest)),
            scalar => scalar.serialize(serializer),
        }
    }
}

impl Serialize for RestRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            let key = ACRONYMS
                .iter()
                .find(|(plain, _)| *plain == key)
                .map_or(key.as_str(), |(_, rest)| rest);
            map.serialize_entry(key, &Rest(value))?;
        }
        map.end()
    }
}

impl Serialize for RestRows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|row| RestRow(row)))
    }
}

/// A REST v2 body in stored names (`sKU` → `sku`). The plain spellings (`sku`) are not v2
/// names: JTL ignores them, so they are dropped here (and `sKU` is then missing).
pub(crate) fn from_rest(value: Value) -> Value {
    let value = drop_keys(value, &ACRONYMS.map(|(plain, _)| plain));
    rename(value, |key| {
        ACRONYMS
            .iter()
            .find(|(_, rest)| *rest == key)
            .map(|(plain, _)| (*plain).to_owned())
    })
}

/// A field name in REST v2 casing.
pub(crate) fn rest_name(key: &str) -> String {
    ACRONYMS
        .iter()
        .find(|(plain, _)| key.starts_with(plain))
        .map(|(plain, rest)| format!("{rest}{}", &key[plain.len()..]))
        .unwrap_or_else(|| key.to_owned())
}

fn drop_keys(value: Value, keys: &[&str]) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k, drop_keys(v, keys)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| drop_keys(v, keys)).collect())
        }
        other => other,
    }
}

fn rename(value: Value, map_key: impl Fn(&str) -> Option<String> + Copy) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (map_key(&k).unwrap_or(k), rename(v, map_key)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| rename(v, map_key)).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The zero-copy serialization of a page says what `to_rest` of a copy said, nested
    /// objects and arrays included.
    #[test]
    fn rest_serialization_matches_to_rest() {
        let row = object(json!({
            "id": "1", "sku": "A-1", "name": "Stuhl",
            "identifiers": {"isbn": "978", "upc": null, "other": [{"sku": "x"}, 3, "sku"]},
            "tags": ["sku", {"upc": 1}],
        }));
        let other = object(json!({"id": "2", "sku": "B-2"}));
        let rows = [&row, &other];
        let written = serde_json::to_value(RestRows(&rows)).expect("serializes");
        let copied = Value::Array(vec![
            to_rest(Value::Object(row.clone())),
            to_rest(Value::Object(other.clone())),
        ]);
        assert_eq!(written, copied);
        assert_eq!(written[0]["sKU"], "A-1");
        assert_eq!(written[0]["identifiers"]["other"][0]["sKU"], "x");
        assert!(written[0].get("sku").is_none());
    }
}
