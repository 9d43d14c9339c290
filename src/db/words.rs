//! Stored state words read straight into their enums
//! (`crate::domain::status::text_enum!`). A non-null column is read with
//! `#[diesel(deserialize_as = String)]` (every such enum is
//! `TryFrom<String>`); a nullable one with
//! `#[diesel(deserialize_as = MaybeWord)]`. An unknown word fails the
//! read with [`super::DbError::UnknownState`], never a panic.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::sql_types::{Nullable, Text};

use crate::domain::status::{TextEnum, UnknownState};

/// A nullable state column as read, before it is parsed.
#[derive(Debug)]
pub struct MaybeWord(Option<String>);

impl<DB> Queryable<Nullable<Text>, DB> for MaybeWord
where
    DB: Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(row: Option<String>) -> deserialize::Result<Self> {
        Ok(MaybeWord(row))
    }
}

impl<T: TextEnum> TryFrom<MaybeWord> for Option<T> {
    type Error = UnknownState;

    fn try_from(word: MaybeWord) -> Result<Self, UnknownState> {
        word.0.as_deref().map(T::parse).transpose()
    }
}
