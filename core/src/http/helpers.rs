//! The request helpers every API client has (`get`, `post`, ..., `page`, `paginate`),
//! written once: each client only says how a [`crate::Request`] is sent.

/// Adds `get/post/put/patch/delete/page/paginate` to a client type that has
/// `async fn request(&self, Request) -> Result<Response>` and is `Clone + Send + Sync`.
macro_rules! request_helpers {
    ($client:ty) => {
        impl $client {
            /// `GET path`.
            pub async fn get(&self, path: &str) -> $crate::Result<$crate::Response> {
                self.request($crate::Request::get(path)).await
            }

            /// `POST path` with a JSON body (not retried unless marked idempotent).
            pub async fn post(
                &self,
                path: &str,
                json: serde_json::Value,
            ) -> $crate::Result<$crate::Response> {
                self.request($crate::Request::post(path).json(json)).await
            }

            /// `PUT path` with a JSON body.
            pub async fn put(
                &self,
                path: &str,
                json: serde_json::Value,
            ) -> $crate::Result<$crate::Response> {
                self.request($crate::Request::put(path).json(json)).await
            }

            /// `PATCH path` with a JSON body (not retried unless marked idempotent).
            pub async fn patch(
                &self,
                path: &str,
                json: serde_json::Value,
            ) -> $crate::Result<$crate::Response> {
                self.request($crate::Request::patch(path).json(json)).await
            }

            /// `DELETE path`.
            pub async fn delete(&self, path: &str) -> $crate::Result<$crate::Response> {
                self.request($crate::Request::delete(path)).await
            }

            /// One page (1-based) of a paginated endpoint, in either envelope casing.
            pub async fn page(
                &self,
                path: &str,
                query: &[(String, String)],
                page_number: u64,
                page_size: u32,
            ) -> $crate::Result<$crate::Page> {
                let mut request = $crate::Request::get(path);
                for (name, value) in query {
                    request = request.query(name.clone(), value.clone());
                }
                let request = request
                    .query("pageNumber", page_number.to_string())
                    .query("pageSize", page_size.to_string());
                $crate::pagination::parse_page(self.request(request).await?.json()?, page_number)
            }

            /// Every record of a paginated endpoint, fetched page by page as it is consumed
            /// (`page_size` default [`crate::pagination::DEFAULT_PAGE_SIZE`]).
            pub fn paginate(
                &self,
                path: &str,
                query: Vec<(String, String)>,
                page_size: Option<u32>,
            ) -> $crate::Paginator {
                let client = self.clone();
                let path = path.to_owned();
                let size = page_size
                    .unwrap_or($crate::pagination::DEFAULT_PAGE_SIZE)
                    .max(1);
                $crate::Paginator::new(std::sync::Arc::new(move |number| {
                    let client = client.clone();
                    let path = path.clone();
                    let query = query.clone();
                    Box::pin(async move { client.page(&path, &query, number, size).await })
                }))
            }
        }
    };
}

pub(crate) use request_helpers;
