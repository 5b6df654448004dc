//! SARIF 2.1.0 via `serde-sarif`. Rule metadata comes from `rules/<id>.md`
//! (summary → shortDescription, the doc → fullDescription and help).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_sarif::sarif;

use super::positions;
use crate::diagnostic::Severity;
use crate::results::{FileResult, RunReport};
use crate::rules::RULES;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Off => "none",
    }
}

/// `security-severity` lets GitHub code scanning rank security findings.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "7.5",
        _ => "4.0",
    }
}

pub fn rule_descriptors() -> Vec<sarif::ReportingDescriptor> {
    RULES
        .iter()
        .map(|rule| {
            let doc = rule.doc();
            let mut tags = doc.tags.clone();
            tags.extend(
                doc.cwe
                    .iter()
                    .map(|cwe| format!("external/cwe/{}", cwe.to_lowercase())),
            );
            let mut properties = BTreeMap::new();
            if doc.tags.iter().any(|tag| tag == "security") {
                properties.insert(
                    "security-severity".to_string(),
                    serde_json::Value::from(security_severity(doc.severity)),
                );
            }
            sarif::ReportingDescriptor::builder()
                .id(doc.id.clone())
                .name(doc.id.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(doc.summary.clone())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(first_paragraph(&doc.body))
                        .build(),
                )
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(doc.body.clone())
                        .markdown(doc.body.clone())
                        .build(),
                )
                .help_uri(crate::rules::doc_url(&doc.id))
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::from(level(doc.severity)))
                        .build(),
                )
                .properties(
                    sarif::PropertyBag::builder()
                        .tags(tags)
                        .additional_properties(properties)
                        .build(),
                )
                .build()
        })
        .collect()
}

/// The text of the "What it does" section, for `fullDescription`.
fn first_paragraph(body: &str) -> String {
    let section = body
        .split("\n## ")
        .find(|part| part.starts_with("What it does"))
        .map(|part| part.trim_start_matches("What it does").trim())
        .unwrap_or(body);
    section
        .split("\n\n")
        .next()
        .unwrap_or(section)
        .replace('\n', " ")
}

/// What may stay unencoded in a path segment (RFC 3986 `pchar`): unreserved characters,
/// sub-delimiters and `@`. `:` is encoded too: in a first segment it would read as a
/// scheme (`ab:c.js`).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// The SARIF `uri` of a path as crosswire shows it (`/`-separated): a relative reference
/// for a relative path, a `file` URI for an absolute one, each segment percent-encoded.
fn artifact_uri(path: &str) -> String {
    let encode = |path: &str| {
        path.split('/')
            .map(|segment| percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/")
    };
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        // `C:/x.js`: the drive letter keeps its colon, as file URIs write it.
        format!("file:///{}:{}", &path[..1], encode(&path[2..]))
    } else if path.starts_with('/') {
        format!("file://{}", encode(path))
    } else {
        encode(path)
    }
}

fn region(file: &FileResult, span: &std::ops::Range<usize>) -> sarif::Region {
    let (start, end) = positions(file, span);
    sarif::Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build()
}

/// A finding's fixes (see `Diagnostic::fixes`), each one change of its file.
fn fixes(file: &FileResult, fixes: &[crate::diagnostic::Fix]) -> Vec<sarif::Fix> {
    fixes
        .iter()
        .map(|fix| {
            let replacements: Vec<sarif::Replacement> = fix
                .edits
                .iter()
                .map(|(span, replacement)| {
                    sarif::Replacement::builder()
                        .deleted_region(region(file, span))
                        .inserted_content(
                            sarif::ArtifactContent::builder()
                                .text(replacement.clone())
                                .build(),
                        )
                        .build()
                })
                .collect();
            let change = sarif::ArtifactChange::builder()
                .artifact_location(
                    sarif::ArtifactLocation::builder()
                        .uri(artifact_uri(&file.path))
                        .build(),
                )
                .replacements(replacements)
                .build();
            sarif::Fix::builder()
                .description(sarif::Message::builder().text(fix.title.clone()).build())
                .artifact_changes(vec![change])
                .build()
        })
        .collect()
}

fn location(
    file: &FileResult,
    span: &std::ops::Range<usize>,
    message: Option<&str>,
) -> sarif::Location {
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(artifact_uri(&file.path))
                .build(),
        )
        .region(region(file, span))
        .build();
    match message {
        Some(text) => sarif::Location::builder()
            .physical_location(physical)
            .message(sarif::Message::builder().text(text).build())
            .build(),
        None => sarif::Location::builder()
            .physical_location(physical)
            .build(),
    }
}

/// A label's place in another file of the run: the whole line.
fn location_elsewhere(elsewhere: &crate::diagnostic::Elsewhere, message: &str) -> sarif::Location {
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(artifact_uri(&elsewhere.path))
                .build(),
        )
        .region(
            sarif::Region::builder()
                .start_line(elsewhere.line.max(1) as i64)
                .build(),
        )
        .build();
    sarif::Location::builder()
        .physical_location(physical)
        .message(sarif::Message::builder().text(message).build())
        .build()
}

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let results: Vec<sarif::Result> = report
        .findings()
        .map(|(file, finding)| {
            let diagnostic = &finding.diagnostic;
            let rule_index = RULES
                .iter()
                .position(|rule| rule.id == finding.rule)
                .unwrap_or(0) as i64;
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let related: Vec<sarif::Location> = diagnostic
                .labels
                .iter()
                .map(|label| match &label.elsewhere {
                    Some(elsewhere) => location_elsewhere(elsewhere, &label.message),
                    None => location(file, &label.span, Some(&label.message)),
                })
                .collect();
            let mut fingerprints = BTreeMap::new();
            fingerprints.insert("crosswire/v1".to_string(), finding.fingerprint.clone());
            let builder = sarif::Result::builder()
                .partial_fingerprints(fingerprints)
                .rule_id(finding.rule)
                .rule_index(rule_index)
                .level(match finding.severity {
                    Severity::Error => sarif::ResultLevel::Error,
                    Severity::Warning => sarif::ResultLevel::Warning,
                    Severity::Off => sarif::ResultLevel::None,
                })
                .message(sarif::Message::builder().text(text).build())
                .locations(vec![location(file, &diagnostic.span, None)]);
            let mut result = if related.is_empty() {
                builder.build()
            } else {
                builder.related_locations(related).build()
            };
            if !diagnostic.fixes.is_empty() {
                result.fixes = Some(fixes(file, &diagnostic.fixes));
            }
            result
        })
        .collect();
    let notifications: Vec<sarif::Notification> = report
        .errors
        .iter()
        .map(|error| {
            sarif::Notification::builder()
                .message(
                    sarif::Message::builder()
                        .text(format!("{}: {}", error.path, error.message))
                        .build(),
                )
                .level(serde_json::Value::from("error"))
                .build()
        })
        .collect();
    let invocation = sarif::Invocation::builder()
        .execution_successful(report.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let driver = sarif::ToolComponent::builder()
        .name("crosswire")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://crates.io/crates/crosswire")
        .rules(rule_descriptors())
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .build();
    let document = sarif::Sarif::builder()
        .version(serde_json::Value::from("2.1.0"))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    super::escape::write_json(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_references_that_read_back_as_the_path() {
        assert_eq!(artifact_uri("src/a.js"), "src/a.js");
        assert_eq!(artifact_uri("%41.js"), "%2541.js");
        assert_eq!(artifact_uri("ab:c.js"), "ab%3Ac.js");
        assert_eq!(artifact_uri("a b#c?d.js"), "a%20b%23c%3Fd.js");
        assert_eq!(artifact_uri("caf\u{e9}/x.js"), "caf%C3%A9/x.js");
        assert_eq!(artifact_uri("/tmp/a b.js"), "file:///tmp/a%20b.js");
        assert_eq!(artifact_uri("C:/src/a.js"), "file:///C:/src/a.js");
        assert_eq!(artifact_uri("<stdin>.js"), "%3Cstdin%3E.js");
    }
}
