//! Name tokens: what token lookup ([`View::find_by_tokens`](crate::View::find_by_tokens))
//! compares, after transliteration of common scripts to Latin letters.

/// The tokens of a name, as token lookup compares them: the name transliterated to Latin
/// letters (Cyrillic, Greek, Arabic, Hebrew, CJK and the other scripts the `deunicode` tables
/// cover; Latin letters lose their diacritics), lower-cased, and split at every character that
/// is not a letter or a digit. Empty for a name with no letter or digit.
///
/// Transliteration is by table, one character at a time: it makes `Белавиа` and `Belavia` the
/// same token, and `Lukašenka` and `Lukasenka`, but it is not a spelling model (`Лукашэнка`
/// gives `lukashenka`, not `lukasenka`). Fuzzy matching is out of scope.
///
/// # Example
///
/// ```
/// use sanctions_ledger::name_tokens;
///
/// assert_eq!(name_tokens("OAO \"Belavia\" – Belarusian Airlines"), ["oao", "belavia", "belarusian", "airlines"]);
/// assert_eq!(name_tokens("Белавиа"), ["belavia"]);
/// assert_eq!(name_tokens("Lukašenka"), name_tokens("LUKASENKA"));
/// assert!(name_tokens(" -- ").is_empty());
/// ```
#[must_use]
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for_each_token(name, &mut String::new(), |token| {
        tokens.push(token.to_owned());
    });
    tokens
}

/// Calls `each` with every token of `name`, in order, as [`name_tokens`] gives them, without
/// allocating a string per token: `scratch` receives the transliterated, lower-cased name.
pub(crate) fn for_each_token(name: &str, scratch: &mut String, mut each: impl FnMut(&str)) {
    scratch.clear();
    // What `deunicode::deunicode` does, without its copy of a name that is already ASCII.
    scratch.push_str(&deunicode::deunicode_with_tofu_cow(name, "[?]"));
    // Lower-casing first splits alike: it maps letters to letters.
    scratch.make_ascii_lowercase();
    scratch
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .for_each(&mut each);
}

/// Whether some name among `names` holds every one of `tokens` (as whole tokens).
pub(crate) fn any_name_holds<'n>(
    mut names: impl Iterator<Item = &'n str>,
    tokens: &[String],
) -> bool {
    names.any(|name| {
        let own = name_tokens(name);
        tokens.iter().all(|t| own.contains(t))
    })
}

#[cfg(test)]
mod tests {
    use super::name_tokens;

    #[test]
    fn common_scripts_transliterate_to_latin_tokens() {
        assert_eq!(
            name_tokens("Лукашенко Александр"),
            ["lukashenko", "aleksandr"]
        );
        assert_eq!(name_tokens("Αθήνα"), ["athena"]);
        assert_eq!(name_tokens("Ærø  Straße"), ["aero", "strasse"]);
        assert_eq!(name_tokens("al-Qa'ida"), ["al", "qa", "ida"]);
        assert_eq!(name_tokens("EW-301PJ"), ["ew", "301pj"]);
    }
}
