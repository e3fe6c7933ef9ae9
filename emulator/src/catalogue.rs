//! The in-memory ERP data behind `/erp/v2/{items,customers,salesOrders}` and the Wawi API:
//! seeded the same way for every tenant, changeable through POST/PUT/PATCH/DELETE.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// The resources the catalogue serves, as they appear in paths.
pub(crate) const RESOURCES: [&str; 3] = ["items", "customers", "salesOrders"];

const SEEDED_ITEMS: u64 = 60;
const SEEDED_CUSTOMERS: u64 = 30;
const SEEDED_ORDERS: u64 = 25;
const CITIES: [&str; 5] = ["Hückelhoven", "Berlin", "München", "Köln", "Hamburg"];
const ORDER_STATES: [&str; 3] = ["open", "paid", "shipped"];

#[derive(Clone)]
struct Table {
    rows: BTreeMap<u64, Value>,
    next_id: u64,
}

/// Why a write was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The body is not a JSON object.
    NotAnObject,
    /// Field-level problems (422 `validationErrors`).
    Invalid(Map<String, Value>),
    /// A unique field is taken (409).
    Conflict(String),
    /// No such record (404).
    NotFound,
}

#[derive(Clone)]
pub(crate) struct Catalogue {
    tables: BTreeMap<&'static str, Table>,
}

/// The canonical resource name for a path segment, if it is one.
pub(crate) fn resource(segment: &str) -> Option<&'static str> {
    RESOURCES.iter().copied().find(|r| *r == segment)
}

impl Catalogue {
    pub(crate) fn seeded() -> Self {
        let items = (1..=SEEDED_ITEMS).map(|i| {
            json!({
                "id": i,
                "sku": format!("EMU-{i:04}"),
                "name": format!("Emulator item {i}"),
                "description": format!("Item {i} of the emulator's catalogue"),
                "price": ((i * 137) % 9000 + 99) as f64 / 100.0,
                "currency": "EUR",
                "stock": (i * 7) % 50,
                "active": i % 10 != 0,
                "createdAt": "2026-01-01T00:00:00Z",
            })
        });
        let customers = (1..=SEEDED_CUSTOMERS).map(|i| {
            json!({
                "id": i,
                "customerNumber": format!("K{:05}", 10_000 + i),
                "name": format!("Kunde {i} GmbH"),
                "email": format!("kunde{i}@example.com"),
                "city": CITIES[(i % 5) as usize],
                "country": "DE",
            })
        });
        let orders = (1..=SEEDED_ORDERS).map(|i| {
            let item = (i % SEEDED_ITEMS) + 1;
            json!({
                "id": i,
                "orderNumber": format!("AU{:06}", 2_026_000 + i),
                "customerId": (i % SEEDED_CUSTOMERS) + 1,
                "orderDate": "2026-02-01T12:00:00Z",
                "status": ORDER_STATES[(i % 3) as usize],
                "lines": [{ "itemId": item, "quantity": (i % 4) + 1 }],
            })
        });
        let mut tables = BTreeMap::new();
        for (name, rows) in [
            ("items", items.collect::<Vec<_>>()),
            ("customers", customers.collect()),
            ("salesOrders", orders.collect()),
        ] {
            let next_id = rows.len() as u64 + 1;
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(n, row)| (n as u64 + 1, row))
                .collect();
            tables.insert(name, Table { rows, next_id });
        }
        Self { tables }
    }

    fn table(&self, resource: &'static str) -> &Table {
        // Every resource of RESOURCES is created in `seeded`.
        &self.tables[resource]
    }

    fn table_mut(&mut self, resource: &'static str) -> &mut Table {
        self.tables.entry(resource).or_insert_with(|| Table {
            rows: BTreeMap::new(),
            next_id: 1,
        })
    }

    /// One page (1-based) and the total count.
    pub(crate) fn page(&self, resource: &'static str, number: u64, size: u64) -> (Vec<Value>, u64) {
        let table = self.table(resource);
        let skip =
            usize::try_from(number.saturating_sub(1).saturating_mul(size)).unwrap_or(usize::MAX);
        let take = usize::try_from(size).unwrap_or(usize::MAX);
        let items = table.rows.values().skip(skip).take(take).cloned().collect();
        (items, table.rows.len() as u64)
    }

    pub(crate) fn get(&self, resource: &'static str, id: u64) -> Option<&Value> {
        self.table(resource).rows.get(&id)
    }

    pub(crate) fn create(&mut self, resource: &'static str, body: Value) -> Result<Value, Refusal> {
        let Value::Object(mut fields) = body else {
            return Err(Refusal::NotAnObject);
        };
        self.validate(resource, &fields, None)?;
        let table = self.table_mut(resource);
        let id = table.next_id;
        table.next_id += 1;
        fields.insert("id".into(), json!(id));
        let row = Value::Object(fields);
        table.rows.insert(id, row.clone());
        Ok(row)
    }

    /// PUT (`merge == false`: the body replaces the record) or PATCH (`merge == true`).
    pub(crate) fn update(
        &mut self,
        resource: &'static str,
        id: u64,
        body: Value,
        merge: bool,
    ) -> Result<Value, Refusal> {
        let Value::Object(fields) = body else {
            return Err(Refusal::NotAnObject);
        };
        let Some(existing) = self.table(resource).rows.get(&id).cloned() else {
            return Err(Refusal::NotFound);
        };
        let mut merged = if merge {
            existing.as_object().cloned().unwrap_or_default()
        } else {
            Map::new()
        };
        merged.extend(fields);
        merged.insert("id".into(), json!(id));
        self.validate(resource, &merged, Some(id))?;
        let row = Value::Object(merged);
        self.table_mut(resource).rows.insert(id, row.clone());
        Ok(row)
    }

    pub(crate) fn delete(&mut self, resource: &'static str, id: u64) -> bool {
        self.table_mut(resource).rows.remove(&id).is_some()
    }

    fn validate(
        &self,
        resource: &'static str,
        fields: &Map<String, Value>,
        own_id: Option<u64>,
    ) -> Result<(), Refusal> {
        let mut errors = Map::new();
        let mut problem = |field: &str, message: &str| {
            errors.insert(field.to_owned(), Value::String(message.to_owned()));
        };
        match resource {
            "items" => {
                required_text(fields, "sku", 64, &mut problem);
                required_text(fields, "name", 255, &mut problem);
                match fields.get("price") {
                    Some(Value::Number(n)) if n.as_f64().is_some_and(|p| p >= 0.0) => {}
                    Some(_) => problem("price", "expected a number of at least 0"),
                    None => problem("price", "is required"),
                }
                if let Some(stock) = fields.get("stock") {
                    if stock.as_u64().is_none() {
                        problem("stock", "expected a whole number of at least 0");
                    }
                }
            }
            "customers" => {
                required_text(fields, "name", 255, &mut problem);
                match fields.get("email").and_then(Value::as_str) {
                    Some(e) if e.contains('@') && !e.starts_with('@') && !e.ends_with('@') => {}
                    Some(_) => problem("email", "expected an e-mail address like name@example.com"),
                    None => problem("email", "is required"),
                }
            }
            _ => {
                match fields.get("customerId").and_then(Value::as_u64) {
                    Some(c) if self.get("customers", c).is_some() => {}
                    Some(c) => problem("customerId", &format!("no customer with id {c}")),
                    None => problem("customerId", "is required (the id of an existing customer)"),
                }
                match fields.get("lines").and_then(Value::as_array) {
                    Some(lines) if !lines.is_empty() => {
                        for (n, line) in lines.iter().enumerate() {
                            match line.get("itemId").and_then(Value::as_u64) {
                                Some(i) if self.get("items", i).is_some() => {}
                                _ => problem(
                                    &format!("lines[{n}].itemId"),
                                    "expected the id of an existing item",
                                ),
                            }
                            let quantity = line.get("quantity").and_then(Value::as_u64);
                            if quantity.unwrap_or(0) == 0 {
                                problem(
                                    &format!("lines[{n}].quantity"),
                                    "expected a whole number of at least 1",
                                );
                            }
                        }
                    }
                    _ => problem("lines", "expected at least one order line"),
                }
            }
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        if resource == "items" {
            let sku = fields.get("sku").and_then(Value::as_str);
            let taken = self.table("items").rows.iter().any(|(id, row)| {
                Some(*id) != own_id && row.get("sku").and_then(Value::as_str) == sku
            });
            if taken {
                return Err(Refusal::Conflict(format!(
                    "an item with sku {:?} already exists",
                    sku.unwrap_or_default()
                )));
            }
        }
        Ok(())
    }
}

fn required_text(
    fields: &Map<String, Value>,
    field: &str,
    max_len: usize,
    problem: &mut impl FnMut(&str, &str),
) {
    match fields.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= max_len => {}
        Some(Value::String(s)) if s.trim().is_empty() => problem(field, "must not be empty"),
        Some(Value::String(_)) => problem(field, &format!("must be at most {max_len} characters")),
        Some(_) => problem(field, "expected a string"),
        None => problem(field, "is required"),
    }
}
