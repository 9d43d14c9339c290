//! Text typed into one form field, parsed once into its stored form
//! ([`Checked`]), and what every such field's rule shares: one error code,
//! one field name, a detail key per refusal ([`Invalid`]).

use std::marker::PhantomData;

use super::Invalid;

/// The rule of one field: [`Checked<R>`] holds text that passed it.
pub trait TextRule {
    /// The refusal of blank input; every other refusal of the field has
    /// its code and field with another detail.
    const EMPTY: Invalid;

    /// The stored form of `input` (surrounding whitespace removed, not
    /// empty), or the detail key of why it is refused.
    fn check(input: &str) -> Result<String, &'static str>;
}

/// Text in the stored form rule `R` gives it (`Phone`, `Email`, `Kpj`).
/// `R` only names the rule (an empty enum): equality, order, hashing and
/// `Debug` are the text's.
pub struct Checked<R>(String, PhantomData<R>);

impl<R> Clone for Checked<R> {
    fn clone(&self) -> Self {
        Checked(self.0.clone(), PhantomData)
    }
}

impl<R> std::fmt::Debug for Checked<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Checked").field(&self.0).finish()
    }
}

impl<R> PartialEq for Checked<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<R> Eq for Checked<R> {}

impl<R> std::hash::Hash for Checked<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<R> PartialOrd for Checked<R> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<R> Ord for Checked<R> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl<R: TextRule> Checked<R> {
    /// Checks `input` against the rule; blank input is refused with
    /// [`TextRule::EMPTY`].
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        match input.trim() {
            "" => Err(R::EMPTY),
            s => R::check(s)
                .map(|s| Checked(s, PhantomData))
                .map_err(|detail| Invalid { detail, ..R::EMPTY }),
        }
    }
}

impl<R> Checked<R> {
    /// The stored form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored form, consuming the value.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<R> AsRef<str> for Checked<R> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Shared assertions of the field rules' unit tests.
#[cfg(test)]
pub mod testing {
    use super::Invalid;

    /// Every input in `inputs` is refused with `detail`.
    pub fn assert_refused<T: std::fmt::Debug>(
        parse: impl Fn(&str) -> Result<T, Invalid>,
        detail: &str,
        inputs: &[&str],
    ) {
        for input in inputs {
            match parse(input) {
                Err(e) => assert_eq!(e.detail, detail, "{input:?}"),
                Ok(v) => panic!("{input:?} was accepted as {v:?}, expected {detail}"),
            }
        }
    }

    /// The refusal of `input` carries `code`, `field` and `detail`.
    pub fn assert_error<T: std::fmt::Debug>(
        parse: impl Fn(&str) -> Result<T, Invalid>,
        input: &str,
        (code, field, detail): (&str, &str, &str),
    ) {
        match parse(input) {
            Err(e) => assert_eq!((e.code.as_str(), e.field, e.detail), (code, field, detail)),
            Ok(v) => panic!("{input:?} was accepted as {v:?}"),
        }
    }
}
