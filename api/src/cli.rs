//! The `api` command line (CONTRACT.md), in the library so tests can parse it as a user
//! types it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::{Global, Identity, Personal, Server};

#[derive(Parser)]
#[command(name = "api", version, about = "Establishment control for public institutions")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Migrates the database if needed and serves HTTP.
    Serve {
        /// Load the demo city first when the database holds no jurisdiction.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        identity: Identity,
        #[command(flatten)]
        personal: Personal,
        #[command(flatten)]
        server: Box<Server>,
    },
    /// Loads data.
    Seed {
        /// The demo city: Zhangye (620700) with its six counties and districts.
        #[arg(long)]
        demo: bool,
        /// A synthetic province (code 990000) for scale work.
        #[arg(long)]
        synthetic: bool,
        #[arg(long, default_value_t = 2)]
        cities: u32,
        #[arg(long, default_value_t = 3)]
        counties_per_city: u32,
        /// Size of each synthetic city relative to the demo city.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        #[command(flatten)]
        personal: Personal,
    },
    /// Loads institutions or staff from a .csv or .xlsx file: all rows or none.
    Import {
        #[command(subcommand)]
        what: ImportKind,
        #[command(flatten)]
        personal: Personal,
    },
    /// Writes report tables.
    Export {
        #[command(subcommand)]
        what: ExportKind,
        #[command(flatten)]
        personal: Personal,
    },
    /// Writes a consistent copy of the SQLite database to FILE while the server keeps writing
    /// (PostgreSQL: use pg_dump, see docs/operators.md).
    Backup { file: PathBuf },
    /// Applies pending migrations, stores the maintained totals of any jurisdiction a write
    /// around the service left marked, and exits (for deployments that start `serve` with
    /// MIGRATE_ON_START=false).
    Migrate {
        /// Also recount every jurisdiction's maintained totals from the rows (after
        /// `verifyLedger` reported a difference, or a repair by hand).
        #[arg(long)]
        recount_totals: bool,
        /// `status` lists each migration as applied or pending; `down` rolls back the last
        /// ones; none applies what is pending.
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Creates a jurisdiction and every level above it from the national division table (GB/T
    /// 2260), with their official names and kinds; running it again changes nothing.
    Init {
        /// The jurisdiction's 6-digit division code (a county, a city or a province); several,
        /// comma-separated or repeated, for a province's counties in one run.
        #[arg(long, required = true, value_delimiter = ',')]
        jurisdiction: Vec<String>,
    },
    /// Accounts that sign in with a password (`POST /auth/login`).
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Checks a downloaded release (`/releases/{id}.json`) against its signature (`.json.sig`):
    /// exits 0 and names the key when it holds, non-zero when a byte differs.
    VerifyRelease {
        /// The release as downloaded.
        file: PathBuf,
        /// Its signature (64 raw bytes).
        sig: PathBuf,
        /// The public key (PEM, `/release-signing-key.pem`); default: this server's own key
        /// (`RELEASE_SIGNING_KEY_FILE`, or the one in the data folder).
        #[arg(long)]
        key: Option<PathBuf>,
        #[arg(long, env = "RELEASE_SIGNING_KEY_FILE", hide = true)]
        release_signing_key_file: Option<PathBuf>,
    },
    /// Prints a signed JWT on stdout.
    Token {
        /// The caller's role.
        #[arg(long, value_parser = ["STAFFING_OFFICE", "DEPARTMENT", "INSTITUTION", "EVALUATOR", "PUBLIC"])]
        role: String,
        /// The jurisdiction's 6-digit division code (every role but PUBLIC).
        #[arg(long)]
        jurisdiction: Option<String>,
        /// The supervising department's id (DEPARTMENT).
        #[arg(long)]
        department: Option<i32>,
        /// The institution's id (INSTITUTION).
        #[arg(long)]
        institution: Option<i32>,
        /// The `sub` claim (an evaluator's committee subject).
        #[arg(long, default_value = "cli")]
        subject: String,
        /// Lifetime: 90s, 30m, 1h, 7d (at most MAX_TOKEN_TTL).
        #[arg(long, default_value = "1h")]
        ttl: String,
        #[command(flatten)]
        identity: Identity,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Creates an account; the password (at least 12 characters) is read from standard input.
    Add {
        /// The user name (also accepted as `--username`); with `--oidc`, the value of the
        /// provider's `OIDC_USERNAME_CLAIM` for this person.
        #[arg(required_unless_present = "username_option")]
        username: Option<String>,
        #[arg(long = "username", conflicts_with = "username", hide = true)]
        username_option: Option<String>,
        #[arg(long, value_parser = ["STAFFING_OFFICE", "DEPARTMENT", "INSTITUTION", "EVALUATOR"])]
        role: String,
        /// The jurisdiction's 6-digit division code.
        #[arg(long)]
        jurisdiction: String,
        /// The supervising department's id (DEPARTMENT).
        #[arg(long)]
        department: Option<i32>,
        /// The institution's id (INSTITUTION).
        #[arg(long)]
        institution: Option<i32>,
        /// The token's `sub` (an evaluator's committee subject); the user name by default.
        #[arg(long)]
        subject: Option<String>,
        /// Signs in at the OpenID Connect provider (`OIDC_ISSUER`); no password is read.
        #[arg(long)]
        oidc: bool,
    },
    /// Disables an account: it cannot sign in, and its open sessions end.
    Disable {
        #[arg(required_unless_present = "username_option")]
        username: Option<String>,
        #[arg(long = "username", conflicts_with = "username", hide = true)]
        username_option: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ImportKind {
    /// Columns: name,jurisdiction,kind (PARTY, GOVERNMENT, PEOPLES_CONGRESS, POLITICAL_CONSULTATIVE,
    /// MASS_ORGANISATION, or 党委, 政府, 人大, 政协, 群团); optional code
    Departments { file: PathBuf },
    /// Columns: credit_code,name,jurisdiction,department,sector,level,funding_form,
    /// management_mode,classification,legal_person,established_on,approved_fiscal,approved_self_financed
    Institutions { file: PathBuf },
    /// Columns: national_id,name,institution_credit_code,category,basis,status,hire_date
    Staff {
        file: PathBuf,
        /// Record rows beyond an institution's vacancies as over establishment (超编)
        /// instead of refusing the file.
        #[arg(long)]
        accept_over_establishment: bool,
    },
}

#[derive(Subcommand)]
pub enum ExportKind {
    /// The overview tables of one jurisdiction.
    Overview(ExportArgs),
    /// The findings (the report's section 2) of one jurisdiction.
    Findings(ExportArgs),
    /// A disclosure release as published (the latest, or `--release ID`).
    Release(ExportArgs),
    /// The real-name roster with each person's record (the staff import's columns).
    Staff(ExportArgs),
}

impl ExportKind {
    pub fn split(&self) -> (&'static str, &ExportArgs) {
        match self {
            Self::Overview(args) => ("overview", args),
            Self::Findings(args) => ("findings", args),
            Self::Release(args) => ("release", args),
            Self::Staff(args) => ("staff", args),
        }
    }
}

/// What every export takes: the same as `GET /exports/KIND.FORMAT?jurisdiction=…`.
#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub jurisdiction: String,
    #[arg(long, value_parser = ["csv", "xlsx"])]
    pub format: String,
    /// Include the jurisdictions below.
    #[arg(long)]
    pub include_descendants: bool,
    /// Chinese column headers and values.
    #[arg(long)]
    pub chinese: bool,
    /// For `release`: an older release than the latest.
    #[arg(long)]
    pub release: Option<i32>,
    /// Output file; CSV goes to stdout when omitted, XLSX to KIND-CODE.xlsx.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum MigrateAction {
    /// Lists every migration, applied or pending, oldest first.
    Status,
    /// Rolls back the last applied migrations (their `down`), newest first.
    Down {
        /// How many.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
}
