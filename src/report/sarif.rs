//! SARIF 2.1.0 via `serde-sarif`. Rule metadata comes from `rules/<id>.md`
//! (summary → shortDescription, the doc → fullDescription and help).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_sarif::sarif;

use super::positions;
use crate::diagnostic::Severity;
use crate::lint::{FileResult, RunReport};
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

fn location(
    file: &FileResult,
    span: &std::ops::Range<usize>,
    message: Option<&str>,
) -> sarif::Location {
    let (start, end) = positions(file, span);
    let region = sarif::Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(file.path.clone())
                .build(),
        )
        .region(region)
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
                .map(|label| location(file, &label.span, Some(&label.message)))
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
            if related.is_empty() {
                builder.build()
            } else {
                builder.related_locations(related).build()
            }
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
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
