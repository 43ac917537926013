//! The demo city (filled in below).
