//! Modules and user groups: which modules exist, and which ones an account may give its tokens.

use futures::stream::BoxStream;

use crate::client::{Client, item_path};
use crate::error::{Error, ErrorKind};
use crate::list_all::ListProgress;
use crate::models::{Module, Page, UserGroup};
use crate::rql::{Filter, Query};
use crate::tokens::select_query;

const MODULES: &str = "/public/v1/accounts/modules";
const USER_GROUPS: &str = "/public/v1/accounts/user-groups";

impl Client {
    /// One page of modules (operations accounts only; others get 403).
    pub async fn list_modules(&self, query: &Query) -> Result<Page<Module>, Error> {
        self.get_page(MODULES, query).await
    }

    /// Every module matching `query`, page by page in order.
    pub fn list_all_modules(&self, query: Query) -> BoxStream<'static, Result<ListProgress<Module>, Error>> {
        self.list_all(MODULES, query)
    }

    /// One module.
    pub async fn get_module(&self, id: &str) -> Result<Module, Error> {
        self.get(&item_path(MODULES, id)?, "").await
    }

    /// One page of user groups.
    pub async fn list_user_groups(&self, query: &Query) -> Result<Page<UserGroup>, Error> {
        self.get_page(USER_GROUPS, query).await
    }

    /// One user group; `select` may expand fields (`modules`).
    pub async fn get_user_group(&self, id: &str, select: &[&str]) -> Result<UserGroup, Error> {
        self.get(&item_path(USER_GROUPS, id)?, &select_query(select)?).await
    }

    /// The account's default user group. Its modules are the ones the account's tokens may be
    /// given: vendors and clients cannot list `/accounts/modules` themselves.
    pub async fn default_user_group(&self, account_id: &str) -> Result<UserGroup, Error> {
        let query = Query::new()
            .filter(Filter::eq("account.id", account_id))
            .filter(Filter::eq("isDefault", true))
            .select("modules")
            .limit(1);
        let page = self.list_user_groups(&query).await?;
        page.items
            .into_iter()
            .next()
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("Account {account_id} has no default user group.")))
    }

    /// The modules the account's tokens may be given (those of its default user group).
    pub async fn assignable_modules(&self, account_id: &str) -> Result<Vec<Module>, Error> {
        Ok(self.default_user_group(account_id).await?.modules)
    }
}
