//! Listing users, groups and contacts with OData options: filter and order in SQL, `$search`
//! in memory, and a cursor for the next page (an id in id order, else an offset).

use super::access::{Caller, GraphError};
use super::permissions::Operation;
use crate::App;
use portico_model::group::{Group, MailContact};
use portico_model::user::User;
use portico_model::{ObjectId, TenantId};
use portico_odata::{matches_search, Expr, QueryOptions, GROUP, ORG_CONTACT, USER};
use portico_store::records::{ContactRecord, GroupRecord, UserRecord};
use portico_store::{DirectoryQuery, Start, Store, StoreResult};

/// Most rows `$search` examines in memory for one request.
const SEARCH_SCAN_LIMIT: u32 = 100_000;

/// One page of a collection.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
    /// `@odata.count`, when asked for.
    pub count: Option<u64>,
}

/// Where a page starts, as carried (signed) in a skip token.
fn parse_cursor(cursor: Option<&str>) -> Result<Start, GraphError> {
    let invalid = || GraphError::bad_request("The $skiptoken is not valid for this request.");
    match cursor {
        None => Ok(Start::AfterId(None)),
        Some(text) => match text.split_once(':') {
            Some(("id", id)) => Ok(Start::AfterId(Some(
                ObjectId::parse(id).map_err(|_| invalid())?,
            ))),
            Some(("offset", n)) => Ok(Start::Offset(n.parse().map_err(|_| invalid())?)),
            _ => Err(invalid()),
        },
    }
}

type Boxed<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = StoreResult<T>> + Send + 'a>>;

/// What the store and the search step need to produce a page of `T`.
trait Collection: Sized + Clone + Send {
    fn id(&self) -> ObjectId;
    fn matches(&self, search: &portico_odata::Search) -> bool;
    fn fetch(store: &dyn Store, tenant: TenantId, query: DirectoryQuery) -> Boxed<'_, Vec<Self>>;
    fn count<'a>(
        store: &'a dyn Store,
        tenant: TenantId,
        filter: Option<&'a Expr>,
    ) -> Boxed<'a, u64>;
}

impl Collection for User {
    fn id(&self) -> ObjectId {
        self.id
    }
    fn matches(&self, search: &portico_odata::Search) -> bool {
        matches_search(&USER, search, &UserRecord(self))
    }
    fn fetch(store: &dyn Store, tenant: TenantId, query: DirectoryQuery) -> Boxed<'_, Vec<Self>> {
        Box::pin(async move { store.query_users(tenant, &query).await })
    }
    fn count<'a>(
        store: &'a dyn Store,
        tenant: TenantId,
        filter: Option<&'a Expr>,
    ) -> Boxed<'a, u64> {
        store.count_users(tenant, filter)
    }
}

impl Collection for Group {
    fn id(&self) -> ObjectId {
        self.id
    }
    fn matches(&self, search: &portico_odata::Search) -> bool {
        matches_search(&GROUP, search, &GroupRecord(self))
    }
    fn fetch(store: &dyn Store, tenant: TenantId, query: DirectoryQuery) -> Boxed<'_, Vec<Self>> {
        Box::pin(async move { store.query_groups(tenant, &query).await })
    }
    fn count<'a>(
        store: &'a dyn Store,
        tenant: TenantId,
        filter: Option<&'a Expr>,
    ) -> Boxed<'a, u64> {
        store.count_groups(tenant, filter)
    }
}

impl Collection for MailContact {
    fn id(&self) -> ObjectId {
        self.id
    }
    fn matches(&self, search: &portico_odata::Search) -> bool {
        matches_search(&ORG_CONTACT, search, &ContactRecord(self))
    }
    fn fetch(store: &dyn Store, tenant: TenantId, query: DirectoryQuery) -> Boxed<'_, Vec<Self>> {
        Box::pin(async move { store.query_contacts(tenant, &query).await })
    }
    fn count<'a>(
        store: &'a dyn Store,
        tenant: TenantId,
        filter: Option<&'a Expr>,
    ) -> Boxed<'a, u64> {
        store.count_contacts(tenant, filter)
    }
}

/// A `$search` page: up to `SEARCH_SCAN_LIMIT` items fetched, matched in memory, paged by offset.
async fn searched<T: Collection>(
    store: &dyn Store,
    tenant: TenantId,
    options: &QueryOptions,
    order_by: Vec<(String, portico_odata::Direction)>,
    start: Start,
    search: &portico_odata::Search,
) -> Result<Listing<T>, GraphError> {
    let top = options.top;
    let all = T::fetch(
        store,
        tenant,
        DirectoryQuery {
            filter: options.filter.clone(),
            order_by,
            start: Start::Offset(0),
            limit: SEARCH_SCAN_LIMIT,
        },
    )
    .await?;
    let matching: Vec<T> = all
        .into_iter()
        .filter(|item| item.matches(search))
        .collect();
    let offset = match start {
        Start::Offset(n) => usize::try_from(n).unwrap_or(usize::MAX),
        Start::AfterId(_) => 0,
    };
    let total = matching.len();
    let items: Vec<T> = matching
        .into_iter()
        .skip(offset)
        .take(top as usize)
        .collect();
    let end = offset + items.len();
    let next = (end < total).then(|| format!("offset:{end}"));
    Ok(Listing {
        items,
        next,
        count: options.count.then_some(total as u64),
    })
}

/// A page of `T` in `tenant`, applying `$search` in memory.
async fn list<T: Collection>(
    store: &dyn Store,
    tenant: TenantId,
    options: &QueryOptions,
    cursor: Option<&str>,
) -> Result<Listing<T>, GraphError> {
    let order_by: Vec<(String, portico_odata::Direction)> = options
        .order_by
        .iter()
        .map(|(p, d)| ((*p).to_owned(), *d))
        .collect();
    let start = parse_cursor(cursor)?;
    let ordered = !order_by.is_empty() || options.search.is_some();
    let start = match (start, ordered) {
        (Start::AfterId(None), true) => Start::Offset(0),
        (Start::AfterId(Some(_)), true) | (Start::Offset(_), false) => {
            return Err(GraphError::bad_request(
                "The $skiptoken is not valid for this request.",
            ))
        }
        (start, _) => start,
    };
    let top = options.top;
    if let Some(search) = &options.search {
        return searched(store, tenant, options, order_by, start, search).await;
    }
    let mut items = T::fetch(
        store,
        tenant,
        DirectoryQuery {
            filter: options.filter.clone(),
            order_by,
            start,
            limit: top + 1,
        },
    )
    .await?;
    let more = items.len() > top as usize;
    items.truncate(top as usize);
    let next = match (more, start) {
        (false, _) => None,
        (true, Start::Offset(n)) => Some(format!("offset:{}", n + u64::from(top))),
        (true, Start::AfterId(_)) => items.last().map(|item| format!("id:{}", item.id())),
    };
    let count = if options.count {
        Some(T::count(store, tenant, options.filter.as_ref()).await?)
    } else {
        None
    };
    Ok(Listing { items, next, count })
}

impl App {
    /// `GET /users` with OData options; `cursor` comes from a verified skip token.
    pub async fn graph_list_users(
        &self,
        caller: &Caller,
        options: &QueryOptions,
        cursor: Option<&str>,
    ) -> Result<Listing<User>, GraphError> {
        caller.require(Operation::ListUsers)?;
        super::users::require_sign_in_activity(
            caller,
            options.select.as_deref(),
            options.filter.as_ref(),
        )?;
        list(self.store().as_ref(), caller.tenant(), options, cursor).await
    }

    pub async fn graph_list_groups(
        &self,
        caller: &Caller,
        options: &QueryOptions,
        cursor: Option<&str>,
    ) -> Result<Listing<Group>, GraphError> {
        caller.require(Operation::ListGroups)?;
        list(self.store().as_ref(), caller.tenant(), options, cursor).await
    }

    pub async fn graph_list_contacts(
        &self,
        caller: &Caller,
        options: &QueryOptions,
        cursor: Option<&str>,
    ) -> Result<Listing<MailContact>, GraphError> {
        caller.require(Operation::ListContacts)?;
        list(self.store().as_ref(), caller.tenant(), options, cursor).await
    }

    /// `GET /users/$count`.
    pub async fn graph_count_users(&self, caller: &Caller) -> Result<u64, GraphError> {
        caller.require(Operation::CountUsers)?;
        Ok(self.store().count_users(caller.tenant(), None).await?)
    }
}
