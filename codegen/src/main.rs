//! The `sfmc-codegen` command: generates the partnerAPI bindings for reading and diffing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
