//! Sockets made or kept alive in another module: findings in the importing file name
//! the helper in its own file (a label elsewhere), as imported checks do.

use std::path::Path;

use crosswire::config::Config;
use crosswire::lint::{Engine, Input};

/// The rule, line and labels in other files (`path:line message`) of every finding.
fn findings(project: &Path) -> Vec<(String, String, usize, Vec<String>)> {
    let engine = Engine::new(Config::defaults(project.to_path_buf()));
    let report = engine.run(Input::Paths(vec![project.to_path_buf()]), 1, true);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .findings()
        .map(|(file, finding)| {
            let line = file
                .lines
                .as_ref()
                .unwrap()
                .line_of(finding.diagnostic.span.start);
            let elsewhere = finding
                .diagnostic
                .labels
                .iter()
                .filter_map(|label| {
                    let place = label.elsewhere.as_ref()?;
                    let path = place.path.rsplit('/').next().unwrap_or(&place.path);
                    Some(format!("{path}:{} {}", place.line, label.message))
                })
                .collect();
            let path = file
                .path
                .rsplit('/')
                .next()
                .unwrap_or(&file.path)
                .to_string();
            (finding.rule.to_string(), path, line, elsewhere)
        })
        .collect()
}

#[test]
fn a_factory_of_another_module_is_labelled_where_it_is_defined() {
    let found = findings(Path::new(
        "fixtures/websocket-no-heartbeat/project-imported-sockets",
    ));
    assert!(
        found.contains(&(
            "websocket-no-heartbeat".into(),
            "app.js".into(),
            9,
            vec!["socket.js:4 `connect` makes the WebSocket here".into()],
        )),
        "{found:#?}"
    );
    // Handed to a helper that only reads it: the helper is named too.
    assert!(
        found.iter().any(
            |(rule, path, line, elsewhere)| rule == "websocket-no-heartbeat"
                && path == "app.js"
                && *line == 32
                && elsewhere
                    .contains(&"keepalive.js:6 `logMessages` is handed the socket here".into())
        ),
        "{found:#?}"
    );
}

#[test]
fn an_imported_delay_and_an_imported_reconnecting_helper_are_labelled() {
    let found = findings(Path::new(
        "fixtures/websocket-reconnect-no-backoff/project-imported-sockets",
    ));
    let labels = |line: usize| {
        found
            .iter()
            .find(|(_, path, at, _)| path == "app.js" && *at == line)
            .map(|(_, _, _, elsewhere)| elsewhere.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        labels(15),
        vec!["config.js:1 `RECONNECT_DELAY` is defined as 3000 here".to_string()]
    );
    assert!(
        labels(51)
            .iter()
            .any(|label| label == "reopen.js:2 `reopenOnClose` reopens the socket when it closes"),
        "{found:#?}"
    );
}

#[test]
fn a_url_handed_to_an_imported_factory_is_labelled_at_the_factory() {
    let found = findings(Path::new(
        "fixtures/websocket-insecure-url/project-imported-sockets",
    ));
    assert!(
        found.contains(&(
            "websocket-insecure-url".into(),
            "app.js".into(),
            4,
            vec!["transport.js:3 `openSocket` opens a WebSocket to its argument here".into()],
        )),
        "{found:#?}"
    );
}
