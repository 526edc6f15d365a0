//! The `sfmc-codegen` command: generates the partnerAPI bindings for reading, and compares
//! two versions of the WSDL.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sfmc_codegen::diff::{self, Report, Summary};

/// Generates typed Rust bindings from the Salesforce Marketing Cloud partnerAPI WSDL.
#[derive(Parser)]
#[command(name = "sfmc-codegen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the Rust code the build generates, to a file or standard output.
    Generate {
        /// The WSDL (or XSD) file to read.
        #[arg(long)]
        wsdl: PathBuf,
        /// The file to write; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Reads an imported schema from a local file: `LOCATION=FILE`, where LOCATION is the
        /// import's schemaLocation or namespace. Repeat for several imports.
        #[arg(long = "map-location", value_name = "LOCATION=FILE", value_parser = parse_mapping)]
        map_location: Vec<(String, PathBuf)>,
    },
    /// Compares two versions of the WSDL and reports what changed for code built on the old
    /// bindings.
    ///
    /// Both files go through the generator's own intermediate representation, so formatting,
    /// attribute order and namespace prefixes do not count. Each change is classed by what it
    /// does to that code. Breaking: code stops compiling or a value no longer fits. Additive:
    /// new items only, for code that builds structs with `..Default::default()` and matches
    /// generated enums with a `_` arm. Wire-only: the same Rust, different XML.
    /// Documentation: listed only with --docs.
    ///
    /// Exit status: 0 when no change is breaking, 1 when one is, 2 on invalid input.
    #[command(after_help = "\
Comparing with the build:
  The build script of sfmc-partner-api writes a schema summary (schema-summary.txt) beside
  the generated code in its OUT_DIR: every type, field, enumeration value and operation the
  bindings were generated from, with their Rust names. It rewrites the file on every run and
  embeds the summary's FNV-1a hash in the bindings as `SCHEMA_FINGERPRINT`. With
  --against-build, the newest summary under the target directory is the old schema, so a
  freshly downloaded WSDL can be checked before the build uses it; the summary's path and
  fingerprint are printed to standard error.")]
    Diff {
        /// The old and the new WSDL (or XSD) file; with --against-build, only the new one.
        #[arg(value_name = "WSDL", required = true, num_args = 1..=2)]
        files: Vec<PathBuf>,
        /// The report format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also lists documentation changes.
        #[arg(long)]
        docs: bool,
        /// Compares the WSDL with the schema the last build of sfmc-partner-api was generated
        /// from, read from the summary its build script left in the target directory.
        #[arg(long)]
        against_build: bool,
        /// With --against-build: the Cargo target directory to search, a profile folder in
        /// it, or the OUT_DIR holding the summary. Defaults to CARGO_TARGET_DIR, else the
        /// `target` folder of the nearest ancestor of the current directory.
        #[arg(long, value_name = "DIR", requires = "against_build")]
        build_dir: Option<PathBuf>,
        /// Reads an imported schema from a local file, for both WSDLs: `LOCATION=FILE`, as
        /// for `generate`.
        #[arg(long = "map-location", value_name = "LOCATION=FILE", value_parser = parse_mapping)]
        map_location: Vec<(String, PathBuf)>,
    },
}

/// The formats `diff` writes.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A readable report grouped by type.
    Text,
    /// JSON in a stable schema, for tools.
    Json,
    /// Markdown grouped by class, for a changelog.
    Markdown,
}

fn parse_mapping(text: &str) -> Result<(String, PathBuf), String> {
    // The location is a URL that contains `=` only in a query, so split at the last one.
    match text.rsplit_once('=') {
        Some((location, file)) if !location.is_empty() && !file.is_empty() => {
            Ok((location.to_owned(), PathBuf::from(file)))
        }
        _ => Err(format!("expected LOCATION=FILE, got `{text}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Diff {
            files,
            format,
            docs,
            against_build,
            build_dir,
            map_location,
        } => {
            let options = DiffOptions {
                format,
                docs,
                against_build,
                build_dir,
                map_location,
            };
            match run_diff(&files, &options) {
                Ok(report) if report.has_breaking() => ExitCode::from(1),
                Ok(_) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Generate {
            wsdl,
            out,
            map_location,
        } => {
            let mut config = sfmc_codegen::Config::new(wsdl);
            for (location, file) in map_location {
                config.map_location(location, file);
            }
            let result = match &out {
                Some(out) => config.write_if_changed(out).map(|_| ()),
                None => config
                    .generate()
                    .map(|generated| print!("{}", generated.code)),
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

struct DiffOptions {
    format: Format,
    docs: bool,
    against_build: bool,
    build_dir: Option<PathBuf>,
    map_location: Vec<(String, PathBuf)>,
}

/// Runs `diff`, prints the report and returns it; an error is the message to print.
fn run_diff(files: &[PathBuf], options: &DiffOptions) -> Result<Report, String> {
    let (old_label, old, new_path) = match (options.against_build, files) {
        (true, [new]) => {
            let (path, old) = build_summary(options.build_dir.as_deref())?;
            (path.display().to_string(), old, new)
        }
        (true, _) => {
            return Err(
                "--against-build compares one WSDL with the build; give only the new WSDL"
                    .to_owned(),
            );
        }
        (false, [old, new]) => {
            let summary =
                diff::summarize(old, &options.map_location).map_err(|error| error.to_string())?;
            (old.display().to_string(), summary, new)
        }
        (false, _) => {
            return Err(
                "diff needs the old and the new WSDL, or one WSDL with --against-build".to_owned(),
            );
        }
    };
    let new =
        diff::summarize(new_path, &options.map_location).map_err(|error| error.to_string())?;
    let report = Report::compare(
        old_label,
        &old,
        new_path.display().to_string(),
        &new,
        options.docs,
    );
    let output = match options.format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json(),
        Format::Markdown => report.to_markdown(),
    };
    print!("{output}");
    Ok(report)
}

/// Finds and reads the schema summary of the last build, telling on standard error which
/// file it is and its fingerprint.
fn build_summary(build_dir: Option<&std::path::Path>) -> Result<(PathBuf, Summary), String> {
    let dir = match build_dir {
        Some(dir) => dir.to_path_buf(),
        None => diff::target_dir().ok_or(
            "no Cargo target directory found above the current directory; build the \
             bindings with `cargo build -p sfmc-partner-api` or pass --build-dir",
        )?,
    };
    let Some(path) = diff::find_build_summary(&dir) else {
        return Err(format!(
            "no {} of a sfmc-partner-api build found under `{}`; build the bindings with \
             `cargo build -p sfmc-partner-api` or pass --build-dir",
            diff::SUMMARY_FILE_NAME,
            dir.display()
        ));
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    let summary = Summary::parse(&text, &path).map_err(|error| error.to_string())?;
    eprintln!(
        "note: comparing with the build summary `{}`, fingerprint {}",
        path.display(),
        diff::fingerprint(&text)
    );
    Ok((path, summary))
}
