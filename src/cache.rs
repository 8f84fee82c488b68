//! The profile-resolution cache: the accounts/profiles listing, kept on disk so that
//! `--profile Development` costs no listing request on later runs; and the summed Cost
//! Details reports of closed months (`CostDetailsCache`), so that `spend --exact` asks
//! Azure for a month's report once.
//!
//! One file in the cache directory the settings name, holding one entry per endpoint and
//! signed-in principal (the key is made by `arm::ArmClient::cache_key`). It holds ids and names only, never a token;
//! it is written atomically (temp file + rename) with 0600 permissions. A corrupt, stale
//! (older than 24 h) or foreign-version file is ignored and rewritten.

use crate::model::cost_details::CostDetails;
use crate::model::domain::BillingAccount;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const FILE_NAME: &str = "profiles-v1.json";
const FORMAT_VERSION: u32 = 1;
pub(crate) const TTL: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheEntry {
    /// Seconds since the Unix epoch.
    saved_at: u64,
    accounts: Vec<BillingAccount>,
}

/// The cache as one command sees it: one file, one key.
#[derive(Debug, Clone)]
pub(crate) struct ProfileCache {
    path: PathBuf,
    key: String,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl ProfileCache {
    pub(crate) fn new(dir: &Path, key: String) -> Self {
        ProfileCache {
            path: dir.join(FILE_NAME),
            key,
        }
    }

    fn read_file(&self) -> CacheFile {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<CacheFile>(&bytes).ok())
            .filter(|file| file.version == FORMAT_VERSION)
            .unwrap_or_default()
    }

    /// The cached listing, if there is a fresh one for this key.
    pub(crate) fn load(&self) -> Option<Vec<BillingAccount>> {
        let mut file = self.read_file();
        let entry = file.entries.remove(&self.key)?;
        let age = now_secs().checked_sub(entry.saved_at)?;
        (age < TTL.as_secs()).then_some(entry.accounts)
    }

    /// Stores the listing for this key. Failing to write a cache is never an error for the
    /// user: the command has its answer either way.
    pub(crate) fn save(&self, accounts: &[BillingAccount]) {
        let mut file = self.read_file();
        let now = now_secs();
        file.version = FORMAT_VERSION;
        // Drop stale entries so the file does not grow forever.
        file.entries
            .retain(|_, e| now.saturating_sub(e.saved_at) < TTL.as_secs());
        file.entries.insert(
            self.key.clone(),
            CacheEntry {
                saved_at: now,
                accounts: accounts.to_vec(),
            },
        );
        let _ = self.write_atomically(&file);
    }

    /// Every readable profile's display name in the cache, for any sign-in, fresh or not:
    /// what shell completion offers for `--profile` (it must not sign in or fetch).
    pub(crate) fn profile_names(dir: &Path) -> Vec<String> {
        let cache = ProfileCache::new(dir, String::new());
        let accounts = cache
            .read_file()
            .entries
            .into_values()
            .flat_map(|entry| entry.accounts)
            .collect();
        ProfileCache::names_of(accounts)
    }

    /// The names `--profile` takes for the readable MCA profiles of `accounts`, sorted, once
    /// each.
    pub(crate) fn names_of(accounts: Vec<BillingAccount>) -> Vec<String> {
        let mut names: Vec<String> = accounts
            .into_iter()
            .filter(|account| account.has_credits)
            .flat_map(|account| account.billing_profiles)
            .filter(|profile| profile.has_read_access)
            .map(|profile| profile.display_name.unwrap_or(profile.name))
            // A name a shell could not offer as one word is left out rather than mangled.
            .filter(|name| !name.chars().any(|c| c.is_control()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Forgets this key's listing (a cached id turned out to be gone).
    pub(crate) fn forget(&self) {
        let mut file = self.read_file();
        if file.entries.remove(&self.key).is_some() {
            let _ = self.write_atomically(&file);
        }
    }

    /// A new temporary file beside the cache (created exclusively, never following a link
    /// planted at its name, 0600), then renamed over it.
    fn write_atomically(&self, file: &CacheFile) -> std::io::Result<()> {
        let text = serde_json::to_vec(file).map_err(std::io::Error::other)?;
        write_private(&self.path, &text)
    }
}

/// Cost Details reports of closed months, summed (`CostDetails::to_csv`): one file per
/// endpoint, signed-in principal (tenant and object id), scope and month, under
/// `cost-details-v1/` in the cache directory. A closed month's costs no longer change, so an
/// entry never expires; a file that cannot be read back is ignored (and rewritten by the
/// next report). Written atomically, 0600, in a 0700 directory; it holds costs and names,
/// never a token.
#[derive(Debug, Clone)]
pub(crate) struct CostDetailsCache {
    dir: PathBuf,
    key: String,
}

impl CostDetailsCache {
    /// `key` is `ArmClient::cache_key`: the endpoint and the principal.
    pub(crate) fn new(dir: &Path, key: String) -> Self {
        CostDetailsCache {
            dir: dir.join("cost-details-v1"),
            key,
        }
    }

    /// The file of one scope and month: the month in its name for people, and a 64-bit
    /// FNV-1a hash of the whole key (stable across builds, unlike the standard hasher).
    fn path(&self, scope: &str, month: &str) -> PathBuf {
        let key = format!("{}|{}|{month}", self.key, scope.to_ascii_lowercase());
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in key.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.dir.join(format!("{month}-{hash:016x}.csv"))
    }

    pub(crate) fn load(&self, scope: &str, month: &str) -> Option<CostDetails> {
        let bytes = std::fs::read(self.path(scope, month)).ok()?;
        CostDetails::from_csv(&bytes)
    }

    /// Failing to write is never an error for the user: the command has its answer.
    pub(crate) fn save(&self, scope: &str, month: &str, details: &CostDetails) {
        let Ok(bytes) = details.to_csv() else {
            return;
        };
        let _ = write_private(&self.path(scope, month), &bytes);
    }
}

/// A new temporary file beside `path` (created exclusively, 0600), then renamed over it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".credits")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::BillingProfile;

    fn account() -> BillingAccount {
        BillingAccount {
            id: "/providers/Microsoft.Billing/billingAccounts/a".into(),
            name: "a".into(),
            display_name: Some("A".into()),
            agreement_type: Some("MicrosoftCustomerAgreement".into()),
            account_type: None,
            account_status: None,
            has_credits: true,
            billing_profiles: vec![BillingProfile {
                id: "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p".into(),
                name: "p".into(),
                display_name: Some("Development".into()),
                currency: Some("USD".into()),
                status: None,
                status_reason_code: None,
                spending_limit: None,
                system_id: None,
                has_read_access: true,
            }],
        }
    }

    #[test]
    fn round_trips_per_key_and_forgets() {
        let dir = tempfile::tempdir().unwrap();
        let one = ProfileCache::new(dir.path(), "one".into());
        let two = ProfileCache::new(dir.path(), "two".into());
        assert!(one.load().is_none());
        one.save(&[account()]);
        assert_eq!(one.load().unwrap(), vec![account()]);
        assert!(two.load().is_none(), "keys are separate");
        one.forget();
        assert!(one.load().is_none());
    }

    #[test]
    fn corrupt_files_are_ignored_and_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ProfileCache::new(dir.path(), "k".into());
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert!(cache.load().is_none());
        cache.save(&[account()]);
        assert!(cache.load().is_some());
    }

    #[test]
    fn stale_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ProfileCache::new(dir.path(), "k".into());
        let mut file = CacheFile {
            version: FORMAT_VERSION,
            ..CacheFile::default()
        };
        file.entries.insert(
            "k".into(),
            CacheEntry {
                saved_at: now_secs() - TTL.as_secs() - 1,
                accounts: vec![account()],
            },
        );
        std::fs::write(
            dir.path().join(FILE_NAME),
            serde_json::to_vec(&file).unwrap(),
        )
        .unwrap();
        assert!(cache.load().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep me").unwrap();
        // Where a predictable temporary name would be, and the cache file itself.
        for name in [
            format!("{FILE_NAME}.{}.tmp", std::process::id()),
            format!("{FILE_NAME}.tmp"),
            FILE_NAME.to_string(),
        ] {
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        let cache = ProfileCache::new(dir.path(), "k".into());
        cache.save(&[account()]);
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
        let file = std::fs::symlink_metadata(dir.path().join(FILE_NAME)).unwrap();
        assert!(
            file.file_type().is_file(),
            "the link was replaced, not followed"
        );
        assert!(cache.load().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let cache = ProfileCache::new(&dir.path().join("sub"), "k".into());
        cache.save(&[account()]);
        let mode = std::fs::metadata(dir.path().join("sub").join(FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
