//! The settings dot-commands change, and how they read back.

use super::command::LabelMode;
use crate::diagram::Lang;
use crate::present::format::OutputFormat;
use std::time::Duration;

/// The settings dot-commands change.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: OutputFormat,
    pub timer: bool,
    pub max_rows: Option<usize>,
    pub timeout: Option<Duration>,
    pub labels: LabelMode,
    pub lang: String,
}

impl Settings {
    pub fn new(interactive: bool, timeout: Option<Duration>) -> Self {
        Self {
            mode: OutputFormat::Table,
            timer: true,
            // A person reads the first hundred rows; a script wants them all.
            max_rows: interactive.then_some(100),
            timeout,
            labels: LabelMode::Off,
            lang: "zh".to_owned(),
        }
    }
}

pub fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

pub fn label_mode_name(mode: LabelMode) -> &'static str {
    match mode {
        LabelMode::Off => "off",
        LabelMode::On => "on",
        LabelMode::Only => "only",
    }
}

pub fn mode_name(mode: OutputFormat) -> String {
    use clap::ValueEnum;
    mode.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// `3.2 ms`, or `1.52 s` from a second on.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// The diagram language for a `.lang` setting: English for `en` and its
/// regional tags, Chinese otherwise (the diagrams know only these two, and
/// labels fall back to the other one anyway).
pub fn diagram_lang(lang: &str) -> Lang {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    if primary.eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lang_setting_picks_the_diagram_language() {
        assert_eq!(diagram_lang("en"), Lang::En);
        assert_eq!(diagram_lang("en-GB"), Lang::En);
        assert_eq!(diagram_lang("EN"), Lang::En);
        assert_eq!(diagram_lang("zh"), Lang::Zh);
        assert_eq!(diagram_lang("zh-Hans"), Lang::Zh);
        assert_eq!(diagram_lang("fr"), Lang::Zh);
    }
}
