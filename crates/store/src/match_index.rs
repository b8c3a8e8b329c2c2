//! The clustering's own index, kept beside the clusters so that a harvest
//! that changed a few records re-clusters without reading every record's
//! view:
//!
//! - `match_records`: record (`library U+001F record id`) → its cluster,
//!   its keys' hashes and its title hashes ([`MatchRecord`]), so that the
//!   keys a changed or deleted record had can be taken out again, and a
//!   record's cluster found without reading every cluster;
//! - `match_keys`: every record that carries a key, with its title hashes
//!   ([`KeyBucket`]), so that whether a key is still usable is judged over
//!   the whole network and the records sharing a key with a changed one
//!   are found. Keys are kept in groups (by the top bits of their hash, a
//!   dozen keys to a group on a large network), one value per group: a
//!   network has millions of keys, most of them carried by one record, and
//!   one B-tree entry per key made writing them whole cost several times
//!   what writing the clusters does;
//! - `work_profiles`: cluster id → what work grouping reads of its members
//!   (`unicat_match::works::Profile`), so that works are grouped again
//!   without the members' views.
//!
//! All three are written in the transaction that writes the clusters, so
//! they always describe the stored clusters; the meta key `match_index`
//! says they are complete, and for which published generation (see
//! `Store::publish_mark`): the one the clusters' publishing will make.
//! Cluster writes that do not maintain them clear it, and so does any
//! publishing by a version of Unicat that does not know them (an earlier
//! binary run on this store writes clusters, then counts one more
//! generation, leaving the mark behind), since only this version carries
//! the mark forward when it publishes without writing clusters
//! (`unicat reindex`). A store without a valid mark is re-clustered from
//! every view once, which writes the tables whole.

use crate::{META, MemberRef, StoreError};
use redb::{ReadableTable, TableDefinition};
use unicat_match::keys::RecordKeys;
use unicat_match::works::Profile;

pub(crate) const MATCH_RECORDS: TableDefinition<&str, &[u8]> =
    TableDefinition::new("match_records");
pub(crate) const MATCH_KEYS: TableDefinition<u64, &[u8]> = TableDefinition::new("match_keys");
pub(crate) const WORK_PROFILES: TableDefinition<u64, &[u8]> = TableDefinition::new("work_profiles");

/// The version of these tables' layout, in the meta key `match_index`.
const VERSION: u8 = 2;

/// A key's group in `match_keys`: the top 19 bits of its hash.
const GROUP_SHIFT: u32 = 45;

pub(crate) fn group_of(key: u64) -> u64 {
    key >> GROUP_SHIFT
}
const MARK: &str = "match_index";

/// What the key index keeps of one record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchRecord {
    /// The cluster it is in.
    pub cluster: u64,
    /// Its keys and title hashes.
    pub keys: RecordKeys,
}

/// One key's records, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyBucket {
    /// The kind of key (`SharedKey::strength`).
    pub strength: u8,
    /// Each record that carries it, with its title hashes, sorted.
    pub records: Vec<(MemberRef, (u64, u64))>,
}

/// A record's name in `match_records`.
pub fn record_name(r: &MemberRef) -> String {
    let mut name = String::with_capacity(r.library.len() + 1 + r.record_id.len());
    push_record_name(r, &mut name);
    name
}

/// Appends a record's [`record_name`] to `out` (a caller naming many
/// records keeps them in one buffer).
pub fn push_record_name(r: &MemberRef, out: &mut String) {
    out.push_str(&r.library);
    out.push('\u{1f}');
    out.push_str(&r.record_id);
}

fn corrupt(what: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        library: format!("({what})"),
        record_id: String::new(),
        reason: reason.into(),
    }
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// Appends a `match_records` value: the cluster, the title hashes, then
/// each key's hash and strength.
fn encode_record_into(cluster: u64, titles: (u64, u64), keys: &[(u64, u8)], out: &mut Vec<u8>) {
    out.extend_from_slice(&cluster.to_le_bytes());
    out.extend_from_slice(&titles.0.to_le_bytes());
    out.extend_from_slice(&titles.1.to_le_bytes());
    for (h, s) in keys {
        out.extend_from_slice(&h.to_le_bytes());
        out.push(*s);
    }
}

pub(crate) fn decode_record(bytes: &[u8]) -> Result<MatchRecord, StoreError> {
    let bad = || corrupt("match_records", "value cut short");
    let (cluster, t3, t) = (
        u64_at(bytes, 0).ok_or_else(bad)?,
        u64_at(bytes, 8).ok_or_else(bad)?,
        u64_at(bytes, 16).ok_or_else(bad)?,
    );
    let rest = &bytes[24..];
    if rest.len() % 9 != 0 {
        return Err(bad());
    }
    let keys = rest
        .chunks_exact(9)
        .map(|c| {
            (
                u64::from_le_bytes(c[..8].try_into().expect("eight bytes")),
                c[8],
            )
        })
        .collect();
    Ok(MatchRecord {
        cluster,
        keys: RecordKeys {
            keys,
            titles: (t3, t),
        },
    })
}

/// Appends one entry of a key's value: the record's name and its titles.
fn push_entry(out: &mut Vec<u8>, name: &str, titles: (u64, u64)) {
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&titles.0.to_le_bytes());
    out.extend_from_slice(&titles.1.to_le_bytes());
}

/// A group's keys and their sections, in key order.
pub(crate) type Sections = Vec<(u64, Vec<u8>)>;

/// A group's value: its keys' sections, in key order, each the key, the
/// length of the rest, then the rest (the strength and the entries).
fn split_group(bytes: &[u8]) -> Result<Vec<(u64, &[u8])>, StoreError> {
    let bad = || corrupt("match_keys", "group cut short");
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let key = u64_at(bytes, at).ok_or_else(bad)?;
        let len = u32::from_le_bytes(
            bytes
                .get(at + 8..at + 12)
                .ok_or_else(bad)?
                .try_into()
                .expect("four bytes"),
        ) as usize;
        at += 12;
        out.push((key, bytes.get(at..at + len).ok_or_else(bad)?));
        at += len;
    }
    Ok(out)
}

/// One key's bucket from its group's value, if the group holds it.
pub(crate) fn bucket_in_group(bytes: &[u8], key: u64) -> Result<Option<KeyBucket>, StoreError> {
    split_group(bytes)?
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, section)| decode_bucket(section))
        .transpose()
}

/// Every key's section of a group's value, as (key, bytes).
pub(crate) fn group_sections(bytes: &[u8]) -> Result<Sections, StoreError> {
    Ok(split_group(bytes)?
        .into_iter()
        .map(|(k, b)| (k, b.to_vec()))
        .collect())
}

pub(crate) fn decode_bucket(bytes: &[u8]) -> Result<KeyBucket, StoreError> {
    let bad = || corrupt("match_keys", "value cut short");
    let strength = *bytes.first().ok_or_else(bad)?;
    let mut records = Vec::new();
    let mut at = 1;
    while at < bytes.len() {
        let len = u16::from_le_bytes(
            bytes
                .get(at..at + 2)
                .ok_or_else(bad)?
                .try_into()
                .expect("two bytes"),
        ) as usize;
        at += 2;
        let name = std::str::from_utf8(bytes.get(at..at + len).ok_or_else(bad)?)
            .map_err(|e| corrupt("match_keys", e.to_string()))?;
        at += len;
        let (library, record_id) = name
            .split_once('\u{1f}')
            .ok_or_else(|| corrupt("match_keys", "a record name without its library"))?;
        let titles = (
            u64_at(bytes, at).ok_or_else(bad)?,
            u64_at(bytes, at + 8).ok_or_else(bad)?,
        );
        at += 16;
        records.push((MemberRef::new(library, record_id), titles));
    }
    Ok(KeyBucket { strength, records })
}

/// Encodes a profile into `buf` (cleared first; its capacity is reused).
pub(crate) fn encode_profile_into(p: &Profile, buf: &mut Vec<u8>) -> Result<(), StoreError> {
    buf.clear();
    *buf = postcard::to_extend(p, std::mem::take(buf))
        .map_err(|e| StoreError::Encode(e.to_string()))?;
    Ok(())
}

pub(crate) fn decode_profile(bytes: &[u8]) -> Result<Profile, StoreError> {
    postcard::from_bytes(bytes).map_err(|e| corrupt("work_profiles", e.to_string()))
}

/// The published generation the meta table holds.
pub(crate) fn generation(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<u64, StoreError> {
    Ok(meta
        .get("published")?
        .and_then(|v| v.value().try_into().ok().map(u64::from_le_bytes))
        .unwrap_or(0))
}

fn mark_for(generation: u64) -> [u8; 9] {
    let mut mark = [VERSION; 9];
    mark[1..].copy_from_slice(&generation.to_le_bytes());
    mark
}

/// True when the meta table says the three tables are complete and
/// describe the clusters of the generation published.
pub(crate) fn is_ready(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<bool, StoreError> {
    let generation = generation(meta)?;
    Ok(meta
        .get(MARK)?
        .is_some_and(|v| v.value() == mark_for(generation)))
}

/// Called when a generation is published without clusters written (the
/// index rebuilt from the stored clusters): a valid mark stays valid.
pub(crate) fn carry_forward(meta: &mut redb::Table<'_, &str, &[u8]>) -> Result<(), StoreError> {
    if is_ready(meta)? {
        let next = generation(meta)? + 1;
        meta.insert(MARK, &mark_for(next)[..])?;
    }
    Ok(())
}

/// Writes the key index and the work profiles, inside the transaction
/// that writes the clusters (see [`Store::write_clustering`](crate::Store::write_clustering)).
pub struct MatchIndexWriter<'t> {
    records: redb::Table<'t, &'static str, &'static [u8]>,
    keys: redb::Table<'t, u64, &'static [u8]>,
    profiles: redb::Table<'t, u64, &'static [u8]>,
    /// The tables were dropped: a group not yet written holds nothing.
    fresh: bool,
    /// The group being changed, its sections in key order.
    group: Option<(u64, Sections)>,
    /// A group that holds nothing yet (tables written whole), being
    /// written straight into its value: its keys come in ascending order,
    /// so no section needs a buffer of its own. `(group, last key)`.
    appending: Option<(u64, u64)>,
    /// The value of the group being appended.
    value: Vec<u8>,
    /// The highest group written.
    written: Option<u64>,
    /// A value being encoded (a record's entry, a profile), reused from one
    /// to the next.
    scratch: Vec<u8>,
}

impl MatchIndexWriter<'_> {
    /// Sets a record's entry.
    pub fn put_record(&mut self, r: &MemberRef, entry: &MatchRecord) -> Result<(), StoreError> {
        self.put_record_named(
            &record_name(r),
            entry.cluster,
            entry.keys.titles,
            &entry.keys.keys,
        )
    }

    /// [`put_record`](Self::put_record) with the record given by its
    /// [`record_name`] and the entry by its parts (a caller writing every
    /// record names each once, and builds no entry).
    pub fn put_record_named(
        &mut self,
        name: &str,
        cluster: u64,
        titles: (u64, u64),
        keys: &[(u64, u8)],
    ) -> Result<(), StoreError> {
        self.scratch.clear();
        encode_record_into(cluster, titles, keys, &mut self.scratch);
        self.records.insert(name, self.scratch.as_slice())?;
        Ok(())
    }

    /// Takes a record out (it is no longer stored).
    pub fn remove_record(&mut self, r: &MemberRef) -> Result<(), StoreError> {
        self.records.remove(record_name(r).as_str())?;
        Ok(())
    }

    /// Sets a key's records (none: the key goes). Keys are best given in
    /// ascending order: a group is read and written once for all its keys
    /// given one after the other.
    pub fn put_key<'r>(
        &mut self,
        key: u64,
        strength: u8,
        records: impl IntoIterator<Item = (&'r MemberRef, (u64, u64))>,
    ) -> Result<(), StoreError> {
        let mut names: Vec<(String, (u64, u64))> = records
            .into_iter()
            .map(|(r, t)| (record_name(r), t))
            .collect();
        names.sort_unstable();
        self.put_key_named(key, strength, names.iter().map(|(n, t)| (n.as_str(), *t)))
    }

    /// [`put_key`](Self::put_key) with each record given by its
    /// [`record_name`], in ascending order of the names (a caller writing
    /// every key names each record once, not once per key).
    pub fn put_key_named<'r>(
        &mut self,
        key: u64,
        strength: u8,
        records: impl IntoIterator<Item = (&'r str, (u64, u64))>,
    ) -> Result<(), StoreError> {
        let g = group_of(key);
        match self.appending {
            Some((at, last)) if at == g && key > last => {
                self.append_key(g, key, strength, records);
                return Ok(());
            }
            Some((at, _)) if at == g => {
                // Out of order within the group: keep it by sections.
                let sections = group_sections(&self.value)?;
                self.appending = None;
                self.value.clear();
                self.group = Some((g, sections));
            }
            _ => {}
        }
        // (Still appending here means appending another group.)
        if self.appending.is_some() || self.group.as_ref().is_none_or(|(at, _)| *at != g) {
            self.flush()?;
            // A group past every group written to tables dropped whole
            // holds nothing: it is not looked up.
            if self.fresh && self.written.is_none_or(|w| g > w) {
                self.append_key(g, key, strength, records);
                return Ok(());
            }
            let sections = match self.keys.get(g)? {
                Some(v) => group_sections(v.value())?,
                None => Vec::new(),
            };
            self.group = Some((g, sections));
        }
        let mut section = Vec::with_capacity(64);
        section.push(strength);
        let mut last: Option<&str> = None;
        for (name, titles) in records {
            debug_assert!(last.is_none_or(|l| l < name), "names in ascending order");
            last = Some(name);
            push_entry(&mut section, name, titles);
        }
        let (_, sections) = self.group.as_mut().expect("a group is open");
        let at = sections.partition_point(|(k, _)| *k < key);
        let here = sections.get(at).is_some_and(|(k, _)| *k == key);
        match (section.len() > 1, here) {
            (false, true) => {
                sections.remove(at);
            }
            (false, false) => {}
            (true, true) => sections[at].1 = section,
            (true, false) => sections.insert(at, (key, section)),
        }
        Ok(())
    }

    /// Appends a key's section to the group being appended (see
    /// [`MatchIndexWriter::appending`]); a key without records is left out.
    fn append_key<'r>(
        &mut self,
        g: u64,
        key: u64,
        strength: u8,
        records: impl IntoIterator<Item = (&'r str, (u64, u64))>,
    ) {
        let at = self.value.len();
        self.value.extend_from_slice(&key.to_le_bytes());
        self.value.extend_from_slice(&[0; 4]);
        self.value.push(strength);
        let mut last: Option<&str> = None;
        for (name, titles) in records {
            debug_assert!(last.is_none_or(|l| l < name), "names in ascending order");
            last = Some(name);
            push_entry(&mut self.value, name, titles);
        }
        let len = self.value.len() - at - 12;
        if len > 1 {
            self.value[at + 8..at + 12].copy_from_slice(&(len as u32).to_le_bytes());
        } else {
            self.value.truncate(at);
        }
        self.appending = Some((g, key));
    }

    /// Writes the group being changed.
    fn flush(&mut self) -> Result<(), StoreError> {
        if let Some((g, _)) = self.appending.take() {
            if !self.value.is_empty() {
                self.keys.insert(g, self.value.as_slice())?;
            }
            self.value.clear();
            self.written = Some(self.written.map_or(g, |w| w.max(g)));
            return Ok(());
        }
        let Some((g, sections)) = self.group.take() else {
            return Ok(());
        };
        if sections.is_empty() {
            self.keys.remove(g)?;
        } else {
            let mut value = Vec::with_capacity(sections.iter().map(|(_, s)| 12 + s.len()).sum());
            for (key, section) in &sections {
                value.extend_from_slice(&key.to_le_bytes());
                value.extend_from_slice(&(section.len() as u32).to_le_bytes());
                value.extend_from_slice(section);
            }
            self.keys.insert(g, value.as_slice())?;
        }
        self.written = Some(self.written.map_or(g, |w| w.max(g)));
        Ok(())
    }

    /// Sets a cluster's work profile.
    pub fn put_profile(&mut self, cluster: u64, profile: &Profile) -> Result<(), StoreError> {
        encode_profile_into(profile, &mut self.scratch)?;
        self.profiles.insert(cluster, self.scratch.as_slice())?;
        Ok(())
    }

    /// Takes a cluster's work profile out (the cluster is gone).
    pub fn remove_profile(&mut self, cluster: u64) -> Result<(), StoreError> {
        self.profiles.remove(cluster)?;
        Ok(())
    }
}

/// Opens the writer in `txn` (after dropping the tables, when `full`) and
/// sets the mark; `fill` writes the entries.
pub(crate) fn write(
    txn: &redb::WriteTransaction,
    full: bool,
    fill: impl FnOnce(&mut MatchIndexWriter<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    if full {
        txn.delete_table(MATCH_RECORDS)?;
        txn.delete_table(MATCH_KEYS)?;
        txn.delete_table(WORK_PROFILES)?;
    }
    let mut writer = MatchIndexWriter {
        records: txn.open_table(MATCH_RECORDS)?,
        keys: txn.open_table(MATCH_KEYS)?,
        profiles: txn.open_table(WORK_PROFILES)?,
        fresh: full,
        group: None,
        appending: None,
        value: Vec::new(),
        written: None,
        scratch: Vec::new(),
    };
    fill(&mut writer)?;
    writer.flush()?;
    drop(writer);
    // Valid once these clusters are published (the next generation).
    let mut meta = txn.open_table(META)?;
    let next = generation(&meta)? + 1;
    meta.insert(MARK, &mark_for(next)[..])?;
    Ok(())
}

/// Clears the mark: the clusters were written without keeping the tables.
pub(crate) fn invalidate(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(META)?.remove(MARK)?;
    Ok(())
}
