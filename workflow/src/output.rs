//! Tracking results as a table, JSON, JSON Lines or CSV, with times at an explicit offset,
//! and the spinner and progress bar that `track` draws on standard error.

use std::io::{self, Write};

use sfmc_runtime::values::{DateTime, SERVICE_OFFSET};

use crate::bulk::Record;
use crate::track::{Detail, Event, Tracking};

/// The output format of `track`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for reading.
    Table,
    /// One JSON array with one object per event.
    Json,
    /// One JSON object per line and event.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

impl Format {
    /// Parses `table`, `json`, `jsonl` or `csv`.
    ///
    /// # Errors
    /// Returns the message for another name.
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(format!(
                "unknown output format `{text}`: use table, json, jsonl or csv"
            )),
        }
    }
}

/// Formats an EventDate: the service's wall time with its −06:00 offset made explicit, or
/// converted to UTC (`+00:00`) with `utc`. A date that carries an offset keeps its instant.
pub fn format_time(date: &DateTime, utc: bool) -> String {
    if utc {
        date.to_offset(0, SERVICE_OFFSET).to_string()
    } else {
        date.to_offset(-360, SERVICE_OFFSET).to_string()
    }
}

/// The number of fields of one event in JSON and CSV.
const FIELD_COUNT: usize = 15;

/// The field names of one event in JSON and CSV, in output order. The last six are the
/// [`Detail`] of a ClickEvent or a BounceEvent, and empty for other event types.
pub const FIELDS: [&str; FIELD_COUNT] = [
    "unique_id",
    "event",
    "event_date",
    "job_id",
    "batch_id",
    "subscriber_id",
    "subscriber_key",
    "event_type",
    "triggered_send_definition_object_id",
    "url",
    "url_id",
    "smtp_code",
    "bounce_category",
    "bounce_type",
    "smtp_reason",
];

fn values(event: &Event, utc: bool) -> [Option<String>; FIELD_COUNT] {
    let detail = &event.detail;
    [
        Some(event.unique_id.clone()),
        Some(event.kind.name().to_owned()),
        event.date.as_ref().map(|date| format_time(date, utc)),
        Some(event.row.job_id.clone()),
        Some(event.row.batch_id.clone()),
        Some(event.row.subscriber_id.clone()),
        event.subscriber_key.clone(),
        event.event_type.clone(),
        event.definition_object_id.clone(),
        detail.url.clone(),
        detail.url_id.map(|id| id.to_string()),
        detail.smtp_code.clone(),
        detail.bounce_category.clone(),
        detail.bounce_type.clone(),
        detail.smtp_reason.clone(),
    ]
}

/// Formats the [`Detail`] for the table's DETAIL column: `URL (URLID n)` for a click,
/// `SMTPCode, BounceCategory, BounceType: SMTPReason` for a bounce, and an empty string
/// for other event types. Absent parts are left out.
pub fn detail_text(detail: &Detail) -> String {
    let mut click = Vec::new();
    if let Some(url) = &detail.url {
        click.push(url.clone());
    }
    if let Some(id) = detail.url_id {
        click.push(format!("(URLID {id})"));
    }
    let bounce: Vec<&str> = [
        &detail.smtp_code,
        &detail.bounce_category,
        &detail.bounce_type,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();

    let mut text = click.join(" ");
    text.push_str(&bounce.join(", "));
    if let Some(reason) = &detail.smtp_reason {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(reason);
    }
    text
}

/// Writes the tracking results in `format`.
///
/// # Errors
/// The error of the writer.
pub fn write(
    out: &mut dyn Write,
    tracking: &Tracking,
    format: Format,
    utc: bool,
) -> io::Result<()> {
    match format {
        Format::Table => write_table(out, tracking, utc),
        Format::Json => {
            if tracking.events.is_empty() {
                return writeln!(out, "[]");
            }
            writeln!(out, "[")?;
            for (index, event) in tracking.events.iter().enumerate() {
                let comma = if index + 1 < tracking.events.len() {
                    ","
                } else {
                    ""
                };
                writeln!(out, "  {}{comma}", json_object(event, utc))?;
            }
            writeln!(out, "]")
        }
        Format::Jsonl => {
            for event in &tracking.events {
                writeln!(out, "{}", json_object(event, utc))?;
            }
            Ok(())
        }
        Format::Csv => {
            writeln!(out, "{}", FIELDS.join(","))?;
            for event in &tracking.events {
                writeln!(out, "{}", csv_line(&values(event, utc)))?;
            }
            Ok(())
        }
    }
}

/// Returns one event as a JSON object on one line; absent values are `null`.
pub fn json_object(event: &Event, utc: bool) -> String {
    json_line(&values(event, utc))
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn write_table(out: &mut dyn Write, tracking: &Tracking, utc: bool) -> io::Result<()> {
    let sends = match tracking.rows.len() {
        1 => "1 send".to_owned(),
        count => format!("{count} sends"),
    };
    writeln!(out, "UniqueID {}: {sends}", tracking.unique_id)?;
    for row in &tracking.rows {
        writeln!(
            out,
            "  JobID {}, BatchID {}, SubscriberID {}",
            row.job_id, row.batch_id, row.subscriber_id
        )?;
    }
    if tracking.events.is_empty() {
        return writeln!(out, "no events yet");
    }
    let header = [
        "TIME",
        "EVENT",
        "JOB ID",
        "BATCH ID",
        "SUBSCRIBER ID",
        "SUBSCRIBER KEY",
        "DETAIL",
    ];
    let lines: Vec<[String; 7]> = tracking
        .events
        .iter()
        .map(|event| {
            [
                event
                    .date
                    .as_ref()
                    .map_or("-".to_owned(), |date| format_time(date, utc)),
                event.kind.name().to_owned(),
                event.row.job_id.clone(),
                event.row.batch_id.clone(),
                event.row.subscriber_id.clone(),
                event
                    .subscriber_key
                    .clone()
                    .unwrap_or_else(|| "-".to_owned()),
                detail_text(&event.detail),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header = header.map(str::to_owned);
    for line in std::iter::once(&header).chain(&lines) {
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}

/// Writes bulk records as they arrive, each record whole. JSON opens its array at the start
/// and closes it in [`BulkWriter::finish`], which makes the output valid JSON.
pub struct BulkWriter<'w> {
    out: &'w mut dyn Write,
    format: Format,
    utc: bool,
    written: u64,
}

/// The fixed column widths of the bulk table, which cannot wait for every row to size them.
/// A longer value pushes the rest of its line to the right.
const BULK_WIDTHS: [usize; 6] = [29, 9, 10, 8, 13, 16];

impl<'w> BulkWriter<'w> {
    /// Writes the start of the output: the CSV or table header, or the JSON array's `[`.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn start(out: &'w mut dyn Write, format: Format, utc: bool) -> io::Result<Self> {
        match format {
            Format::Csv => writeln!(out, "{}", FIELDS.join(","))?,
            Format::Json => writeln!(out, "[")?,
            Format::Table => {
                let header = [
                    "TIME",
                    "EVENT",
                    "JOB ID",
                    "BATCH ID",
                    "SUBSCRIBER ID",
                    "UNIQUE ID",
                    "DETAIL",
                ];
                writeln!(out, "{}", table_line(&header.map(str::to_owned)))?;
            }
            Format::Jsonl => {}
        }
        Ok(BulkWriter {
            out,
            format,
            utc,
            written: 0,
        })
    }

    /// Writes records and flushes them.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn write(&mut self, records: &[Record]) -> io::Result<()> {
        for record in records {
            let (values, detail) = match record {
                Record::Event(event) => (values(event, self.utc), detail_text(&event.detail)),
                Record::NotFound(id) => {
                    let mut values: [Option<String>; FIELD_COUNT] = Default::default();
                    values[0] = Some(id.clone());
                    values[1] = Some("not_found".to_owned());
                    (values, String::new())
                }
            };
            match self.format {
                Format::Jsonl => writeln!(self.out, "{}", json_line(&values))?,
                Format::Json => {
                    let comma = if self.written == 0 { "" } else { ",\n" };
                    write!(self.out, "{comma}  {}", json_line(&values))?;
                }
                Format::Csv => writeln!(self.out, "{}", csv_line(&values))?,
                Format::Table => {
                    let cell =
                        |index: usize| values[index].clone().unwrap_or_else(|| "-".to_owned());
                    let line = [cell(2), cell(1), cell(3), cell(4), cell(5), cell(0), detail];
                    writeln!(self.out, "{}", table_line(&line))?;
                }
            }
            self.written += 1;
        }
        self.out.flush()
    }

    /// Writes the end of the output: the JSON array's `]`.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn finish(self) -> io::Result<()> {
        if self.format == Format::Json {
            if self.written > 0 {
                writeln!(self.out)?;
            }
            writeln!(self.out, "]")?;
        }
        self.out.flush()
    }
}

/// The control sequence that starts every drawn frame: a carriage return, then erase the
/// line (ANSI `EL2`), so that each frame replaces the last.
const REDRAW: &str = "\r\x1b[2K";

/// The spinner of `track --wait`. On a terminal each frame redraws one line in place.
/// Elsewhere only the first reported line is written, with a newline, so that logs get one
/// line per wait.
pub struct Spinner<W: Write> {
    out: W,
    terminal: bool,
    line: Option<String>,
    frame: usize,
}

impl<W: Write> Spinner<W> {
    /// The spinner's frames, drawn in turn by [`Spinner::tick`].
    pub const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

    /// Creates a spinner that draws frames on `out` only when `terminal` is true.
    pub fn new(out: W, terminal: bool) -> Self {
        Spinner {
            out,
            terminal,
            line: None,
            frame: 0,
        }
    }

    /// Returns whether the spinner draws frames, which the caller's timer needs to know.
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Sets the text next to the spinner and redraws the current frame with it.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn report(&mut self, line: &str) -> io::Result<()> {
        let first = self.line.is_none();
        self.line = Some(line.to_owned());
        if self.terminal {
            self.draw()
        } else if first {
            writeln!(self.out, "{line}")?;
            self.out.flush()
        } else {
            Ok(())
        }
    }

    /// Advances to the next frame and draws it. Does nothing before the first report or off
    /// a terminal.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn tick(&mut self) -> io::Result<()> {
        if !self.terminal || self.line.is_none() {
            return Ok(());
        }
        self.frame = (self.frame + 1) % Self::FRAMES.len();
        self.draw()
    }

    /// Erases the spinner's line, when a frame was drawn.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.terminal && self.line.take().is_some() {
            self.out.write_all(REDRAW.as_bytes())?;
            self.out.flush()?;
        }
        Ok(())
    }

    fn draw(&mut self) -> io::Result<()> {
        let line = self.line.as_deref().unwrap_or_default();
        let frame = format!("{REDRAW}{} {line}", Self::FRAMES[self.frame]);
        // One write per frame, so that an unbuffered standard error never shows half of one.
        self.out.write_all(frame.as_bytes())?;
        self.out.flush()
    }
}

/// The progress bar of `track --unique-ids`, drawn in place on a terminal and never
/// elsewhere.
pub struct ProgressBar<W: Write> {
    out: W,
    terminal: bool,
    total: u64,
    drawn: bool,
}

impl<W: Write> ProgressBar<W> {
    /// The number of characters between the bar's brackets.
    pub const WIDTH: u64 = 30;

    /// Creates a bar for `total` IDs that draws on `out` only when `terminal` is true.
    pub fn new(out: W, terminal: bool, total: u64) -> Self {
        ProgressBar {
            out,
            terminal,
            total,
            drawn: false,
        }
    }

    /// Draws the bar with `done` of the total IDs tracked, such as `[###   ] 100/1000 IDs`.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn draw(&mut self, done: u64) -> io::Result<()> {
        if !self.terminal {
            return Ok(());
        }
        // `filled` is at most `WIDTH`, so it fits a `usize`.
        let filled = (done.min(self.total) * Self::WIDTH / self.total.max(1)) as usize;
        let empty = Self::WIDTH as usize - filled;
        let frame = format!(
            "{REDRAW}[{}{}] {done}/{} IDs",
            "#".repeat(filled),
            " ".repeat(empty),
            self.total
        );
        self.out.write_all(frame.as_bytes())?;
        self.out.flush()?;
        self.drawn = true;
        Ok(())
    }

    /// Erases the bar, when it was drawn.
    ///
    /// # Errors
    /// The error of the writer.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.drawn {
            self.out.write_all(REDRAW.as_bytes())?;
            self.out.flush()?;
            self.drawn = false;
        }
        Ok(())
    }
}

fn table_line(cells: &[String; 7]) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(BULK_WIDTHS) {
        line.push_str(&format!("{cell:<width$}  "));
    }
    line.push_str(&cells[6]);
    line.trim_end().to_owned()
}

fn json_line(values: &[Option<String>; FIELD_COUNT]) -> String {
    let members: Vec<String> = FIELDS
        .iter()
        .zip(values)
        .map(|(name, value)| {
            let value = value.as_ref().map_or("null".to_owned(), |text| {
                serde_json::Value::String(text.clone()).to_string()
            });
            format!("\"{name}\":{value}")
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

fn csv_line(values: &[Option<String>; FIELD_COUNT]) -> String {
    let fields: Vec<String> = values
        .iter()
        .map(|value| csv_field(value.as_deref().unwrap_or_default()))
        .collect();
    fields.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::{EventKind, LogRow};

    fn sample() -> Tracking {
        let row = LogRow {
            job_id: "10980375".to_owned(),
            batch_id: "5".to_owned(),
            subscriber_id: "199672583".to_owned(),
        };
        Tracking {
            unique_id: "u-1".to_owned(),
            rows: vec![row.clone()],
            events: vec![Event {
                unique_id: "u-1".to_owned(),
                kind: EventKind::Sent,
                date: Some("2014-03-26T10:02:01.987".parse().unwrap()),
                row,
                subscriber_key: Some("a,\"b\"@example.com".to_owned()),
                event_type: Some("Sent".to_owned()),
                definition_object_id: None,
                detail: Detail::default(),
            }],
        }
    }

    fn render(format: Format, utc: bool) -> String {
        let mut out = Vec::new();
        write(&mut out, &sample(), format, utc).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn time_offsets() {
        let date: DateTime = "2014-03-26T10:02:01.987".parse().unwrap();
        assert_eq!(format_time(&date, false), "2014-03-26T10:02:01.987-06:00");
        assert_eq!(format_time(&date, true), "2014-03-26T16:02:01.987+00:00");
    }

    #[test]
    fn formats_exact() {
        assert_eq!(
            render(Format::Table, false),
            "UniqueID u-1: 1 send\n  JobID 10980375, BatchID 5, SubscriberID 199672583\n\
             TIME                           EVENT  JOB ID    BATCH ID  SUBSCRIBER ID  SUBSCRIBER KEY     DETAIL\n\
             2014-03-26T10:02:01.987-06:00  sent   10980375  5         199672583      a,\"b\"@example.com\n"
        );
        let object = r#"{"unique_id":"u-1","event":"sent","event_date":"2014-03-26T16:02:01.987+00:00","job_id":"10980375","batch_id":"5","subscriber_id":"199672583","subscriber_key":"a,\"b\"@example.com","event_type":"Sent","triggered_send_definition_object_id":null,"url":null,"url_id":null,"smtp_code":null,"bounce_category":null,"bounce_type":null,"smtp_reason":null}"#;
        assert_eq!(render(Format::Jsonl, true), format!("{object}\n"));
        assert_eq!(render(Format::Json, true), format!("[\n  {object}\n]\n"));
        assert_eq!(
            render(Format::Csv, false),
            "unique_id,event,event_date,job_id,batch_id,subscriber_id,subscriber_key,event_type,triggered_send_definition_object_id,url,url_id,smtp_code,bounce_category,bounce_type,smtp_reason\n\
             u-1,sent,2014-03-26T10:02:01.987-06:00,10980375,5,199672583,\"a,\"\"b\"\"@example.com\",Sent,,,,,,,\n"
        );
    }

    #[test]
    fn bulk_writer_formats() {
        let event = sample().events.remove(0);
        let records = [
            Record::Event(Box::new(event)),
            Record::NotFound("gone".to_owned()),
        ];
        let render = |format| {
            let mut out = Vec::new();
            let mut writer = BulkWriter::start(&mut out, format, false).unwrap();
            writer.write(&records[..1]).unwrap();
            writer.write(&records[1..]).unwrap();
            writer.finish().unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            render(Format::Table),
            "TIME                           EVENT      JOB ID      BATCH ID  SUBSCRIBER ID  UNIQUE ID         DETAIL\n\
             2014-03-26T10:02:01.987-06:00  sent       10980375    5         199672583      u-1\n\
             -                              not_found  -           -         -              gone\n"
        );
        assert_eq!(
            render(Format::Csv).lines().nth(2),
            Some("gone,not_found,,,,,,,,,,,,,")
        );
        let json = render(Format::Json);
        assert!(json.starts_with("[\n  {\"unique_id\":\"u-1\""), "{json}");
        assert!(json.ends_with("},\n  {\"unique_id\":\"gone\",\"event\":\"not_found\",\"event_date\":null,\"job_id\":null,\"batch_id\":null,\"subscriber_id\":null,\"subscriber_key\":null,\"event_type\":null,\"triggered_send_definition_object_id\":null,\"url\":null,\"url_id\":null,\"smtp_code\":null,\"bounce_category\":null,\"bounce_type\":null,\"smtp_reason\":null}\n]\n"), "{json}");
        let mut empty = Vec::new();
        BulkWriter::start(&mut empty, Format::Json, false)
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(String::from_utf8(empty).unwrap(), "[\n]\n");
    }

    #[test]
    fn detail_text_click() {
        let click = Detail {
            url: Some("https://example.com/offer".to_owned()),
            url_id: Some(7),
            ..Detail::default()
        };
        assert_eq!(detail_text(&click), "https://example.com/offer (URLID 7)");
    }

    #[test]
    fn detail_text_bounce() {
        let bounce = Detail {
            smtp_code: Some("550".to_owned()),
            bounce_category: Some("Hard bounce".to_owned()),
            bounce_type: Some("immediate".to_owned()),
            smtp_reason: Some("550 5.1.1 user unknown".to_owned()),
            ..Detail::default()
        };
        assert_eq!(
            detail_text(&bounce),
            "550, Hard bounce, immediate: 550 5.1.1 user unknown"
        );
        let reason_only = Detail {
            smtp_reason: Some("mailbox full".to_owned()),
            ..Detail::default()
        };
        assert_eq!(detail_text(&reason_only), "mailbox full");
        assert_eq!(detail_text(&Detail::default()), "");
    }

    #[test]
    fn spinner_frames_on_terminal() {
        let mut out = Vec::new();
        let mut spinner = Spinner::new(&mut out, true);
        // A tick before the first report has no line to draw.
        spinner.tick().unwrap();
        spinner.report("waiting (30 s left)").unwrap();
        for _ in 0..4 {
            spinner.tick().unwrap();
        }
        spinner.report("waiting (29 s left)").unwrap();
        spinner.tick().unwrap();
        spinner.finish().unwrap();
        // Erasing twice writes nothing the second time.
        spinner.finish().unwrap();

        let frames: Vec<&str> = std::str::from_utf8(&out)
            .unwrap()
            .split("\r\x1b[2K")
            .collect();
        assert_eq!(
            frames,
            [
                "",
                "| waiting (30 s left)",
                "/ waiting (30 s left)",
                "- waiting (30 s left)",
                "\\ waiting (30 s left)",
                "| waiting (30 s left)",
                "| waiting (29 s left)",
                "/ waiting (29 s left)",
                "",
            ]
        );
    }

    #[test]
    fn spinner_off_terminal_writes_first_line() {
        let mut out = Vec::new();
        let mut spinner = Spinner::new(&mut out, false);
        spinner.tick().unwrap();
        spinner.report("waiting (30 s left)").unwrap();
        spinner.tick().unwrap();
        spinner.report("waiting (29 s left)").unwrap();
        spinner.finish().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "waiting (30 s left)\n");
    }

    #[test]
    fn spinner_finish_without_report() {
        let mut out = Vec::new();
        Spinner::new(&mut out, true).finish().unwrap();
        assert_eq!(out, b"");
    }

    #[test]
    fn progress_bar_frames_on_terminal() {
        let mut out = Vec::new();
        let mut bar = ProgressBar::new(&mut out, true, 1_000);
        for done in [0, 1, 500, 999, 1_000] {
            bar.draw(done).unwrap();
        }
        bar.finish().unwrap();
        bar.finish().unwrap();
        let frames: Vec<&str> = std::str::from_utf8(&out)
            .unwrap()
            .split("\r\x1b[2K")
            .collect();
        assert_eq!(
            frames,
            [
                "",
                "[                              ] 0/1000 IDs",
                "[                              ] 1/1000 IDs",
                "[###############               ] 500/1000 IDs",
                "[############################# ] 999/1000 IDs",
                "[##############################] 1000/1000 IDs",
                "",
            ]
        );
    }

    #[test]
    fn progress_bar_empty_input() {
        let mut out = Vec::new();
        let mut bar = ProgressBar::new(&mut out, true, 0);
        bar.draw(0).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\r\x1b[2K[                              ] 0/0 IDs"
        );
    }

    #[test]
    fn progress_bar_off_terminal_draws_nothing() {
        let mut out = Vec::new();
        let mut bar = ProgressBar::new(&mut out, false, 10);
        bar.draw(0).unwrap();
        bar.draw(10).unwrap();
        bar.finish().unwrap();
        assert_eq!(out, b"");
    }
}
