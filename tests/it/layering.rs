//! The layering scan (issue 12): placeholder, filled in below.
