//! Holdings records (MARC holdings records, FOLIO holdings, a bib's own
//! summary statements), kept apart from the bibliographic records they
//! belong to, per library: `holdings/<library>`, keyed by
//! `<bib record id> U+001F <holdings key>` so that a bib's holdings are one
//! range and a harvest of the holdings alone changes the bibs' holdings
//! alone. Values are `[content hash: u64 LE][postcard(HoldingsRecord)]`.

use crate::{Snapshot, Store, StoreError, content_hash};
use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};
use unicat_bib::HoldingsRecord;

/// Between the bib record id and the holdings key.
pub const LINK_SEPARATOR: char = '\u{1f}';

pub(crate) fn holdings_table(library: &str) -> String {
    format!("holdings/{library}")
}

pub(crate) fn holdings_staging_table(library: &str) -> String {
    format!("holdings-staging/{library}")
}

/// The store key of a holdings record of a bib.
pub fn holdings_key(bib: &str, key: &str) -> String {
    let mut k = String::with_capacity(bib.len() + 1 + key.len());
    k.push_str(bib);
    k.push(LINK_SEPARATOR);
    k.push_str(key);
    k
}

/// The bib record id of a holdings key.
pub fn bib_of_key(key: &str) -> &str {
    key.split(LINK_SEPARATOR).next().unwrap_or(key)
}

/// Encodes a holdings record for the store.
pub fn encode_holdings(record: &HoldingsRecord) -> Result<Vec<u8>, String> {
    let body = postcard::to_stdvec(record).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(8 + body.len());
    out.extend_from_slice(&content_hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a stored holdings record.
pub fn decode_holdings(bytes: &[u8]) -> Result<HoldingsRecord, String> {
    let body = bytes
        .get(8..)
        .ok_or("holdings value shorter than its hash")?;
    postcard::from_bytes(body).map_err(|e| e.to_string())
}

pub(crate) fn hash_of(bytes: &[u8]) -> u64 {
    bytes
        .get(..8)
        .map(|h| u64::from_le_bytes(h.try_into().expect("eight bytes")))
        .unwrap_or(0)
}

type Table<'a> = TableDefinition<'a, &'static str, &'static [u8]>;

/// The key range of one bib's holdings.
fn range_of(bib: &str) -> (String, String) {
    let mut lo = bib.to_string();
    lo.push(LINK_SEPARATOR);
    let mut hi = bib.to_string();
    hi.push(char::from_u32(LINK_SEPARATOR as u32 + 1).expect("a character"));
    (lo, hi)
}

impl Store {
    /// Number of holdings records of a library.
    pub fn holdings_count(&self, library: &str) -> Result<u64, StoreError> {
        let txn = self.db().begin_read()?;
        match txn.open_table(Table::new(&holdings_table(library))) {
            Ok(t) => Ok(t.len()?),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// Every holdings record of a library with its bib record id, in key
    /// order.
    pub fn for_each_holdings(
        &self,
        library: &str,
        mut f: impl FnMut(&str, HoldingsRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin_read()?;
        let table = match txn.open_table(Table::new(&holdings_table(library))) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for entry in table.iter()? {
            let (k, v) = entry?;
            let record = decode_holdings(v.value()).map_err(|reason| StoreError::Corrupt {
                library: library.to_string(),
                record_id: k.value().to_string(),
                reason,
            })?;
            f(bib_of_key(k.value()), record)?;
        }
        Ok(())
    }
}

impl Snapshot {
    /// The holdings records of one bib, as of the snapshot.
    pub fn holdings(&self, library: &str, bib: &str) -> Result<Vec<HoldingsRecord>, StoreError> {
        let mut tables = self.holdings.borrow_mut();
        if !tables.contains_key(library) {
            let table = match self.txn.open_table(Table::new(&holdings_table(library))) {
                Ok(t) => Some(t),
                Err(redb::TableError::TableDoesNotExist(_)) => None,
                Err(e) => return Err(e.into()),
            };
            tables.insert(library.to_string(), table);
        }
        let Some(table) = &tables[library] else {
            return Ok(Vec::new());
        };
        let (lo, hi) = range_of(bib);
        let mut out = Vec::new();
        for entry in table.range(lo.as_str()..hi.as_str())? {
            let (k, v) = entry?;
            out.push(
                decode_holdings(v.value()).map_err(|reason| StoreError::Corrupt {
                    library: library.to_string(),
                    record_id: k.value().to_string(),
                    reason,
                })?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert_eq!(bib_of_key(&holdings_key("b1", "h9")), "b1");
        let h = HoldingsRecord {
            id: Some("h9".into()),
            bib_links: vec!["b1".into()],
            ..HoldingsRecord::default()
        };
        let v = encode_holdings(&h).unwrap();
        assert_eq!(decode_holdings(&v).unwrap(), h);
        assert!(decode_holdings(&v[..3]).is_err());
        let (lo, hi) = range_of("b1");
        assert!(lo.as_str() < holdings_key("b1", "").as_str() || lo == holdings_key("b1", ""));
        assert!(holdings_key("b1", "zzz").as_str() < hi.as_str());
        assert!(
            holdings_key("b10", "a").as_str() > hi.as_str()
                || holdings_key("b10", "a").as_str() < lo.as_str()
        );
    }
}
