//! Errors of the CSDL reader: each case checks the kind, the line and column,
//! and the CSDL element path; the limits of `csdl::limits`.

use std::time::{Duration, Instant};

use graphgen::csdl::limits;
use graphgen::csdl::parse;
use graphgen::{Error, ErrorKind};

/// A document whose schema `ns` holds `body`, which starts on line 5.
fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  \
         <edmx:DataServices>\n    \
         <Schema Namespace=\"ns\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n\
         {body}\n    \
         </Schema>\n  \
         </edmx:DataServices>\n\
         </edmx:Edmx>\n"
    )
}

const USER: &str = "      <EntityType Name=\"user\">\n        \
                    <Property Name=\"id\" Type=\"Edm.String\" />\n      \
                    </EntityType>";

#[track_caller]
fn fails(input: impl AsRef<[u8]>, kind: ErrorKind, line: u32, col: u32, element: &str) -> Error {
    let e = match parse("test.csdl", input.as_ref()) {
        Ok(_) => panic!("parsed, expected a {kind} error at {line}:{col} in {element}"),
        Err(e) => e,
    };
    let loc = e
        .location
        .clone()
        .unwrap_or_else(|| panic!("no location: {e}"));
    assert_eq!(
        (
            e.kind,
            loc.line,
            loc.col,
            loc.element.as_str(),
            loc.file.as_str()
        ),
        (kind, line, col, element, "test.csdl"),
        "{e}"
    );
    e
}

#[track_caller]
fn says(e: &Error, part: &str) {
    assert!(
        e.message.contains(part),
        "{:?} does not contain {part:?}",
        e.message
    );
}

#[test]
fn the_base_document_parses() {
    let d = parse("test.csdl", doc(USER).as_bytes()).unwrap();
    assert_eq!(d.schemas[0].namespace, "ns");
}

#[test]
fn not_xml() {
    let e = fails("hello world", ErrorKind::Xml, 1, 1, "(document)");
    says(&e, "outside the root element");
    fails("{\"json\": true}", ErrorKind::Xml, 1, 1, "(document)");
    // Markup that is not well-formed.
    let e = fails("<a b=\"1></a>", ErrorKind::Xml, 1, 1, "(document)");
    assert!(
        e.to_string().starts_with("test.csdl:1:1: error[xml]: "),
        "{e}"
    );
}

#[test]
fn empty_documents() {
    let e = fails("", ErrorKind::Xml, 1, 1, "(document)");
    says(&e, "empty");
    fails(
        "<?xml version=\"1.0\"?>\n",
        ErrorKind::Xml,
        2,
        1,
        "(document)",
    );
    fails("  \n ", ErrorKind::Xml, 2, 2, "(document)");
}

#[test]
fn truncated_documents() {
    let full = doc(USER);
    // Inside the start tag of the Property on line 6.
    let cut = &full[..full.find("Type=").unwrap()];
    let e = fails(cut, ErrorKind::Xml, 6, 9, "Schema[ns]/EntityType[user]");
    says(&e, "not closed");
    // Between elements: the end of input is reported where it is.
    let cut = &full[..full.find("      </EntityType>").unwrap()];
    let e = fails(cut, ErrorKind::Xml, 7, 1, "Schema[ns]/EntityType[user]");
    says(&e, "<EntityType> is not closed");
}

#[test]
fn mismatched_end_tag() {
    let e = fails(
        doc("      <EntityType Name=\"user\">\n      </ComplexType>"),
        ErrorKind::Xml,
        6,
        7,
        "Schema[ns]/EntityType[user]",
    );
    says(&e, "</ComplexType>");
}

#[test]
fn wrong_root() {
    let e = fails(
        "<?xml version=\"1.0\"?>\n<root/>",
        ErrorKind::Syntax,
        2,
        1,
        "root",
    );
    says(&e, "edmx:Edmx");
    // The right local name in the wrong namespace, or in none.
    fails(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"urn:other\"/>",
        ErrorKind::Syntax,
        1,
        1,
        "edmx:Edmx",
    );
    fails("<Edmx Version=\"4.0\"/>", ErrorKind::Syntax, 1, 1, "Edmx");
    // A default namespace declaration is fine.
    let ok = "<Edmx Version=\"4.0\" xmlns=\"http://docs.oasis-open.org/odata/ns/edmx\">\
              <DataServices/></Edmx>";
    assert!(parse("t", ok.as_bytes()).unwrap().schemas.is_empty());
}

#[test]
fn wrong_version() {
    let e = fails(
        doc(USER).replace("Version=\"4.0\"", "Version=\"3.0\""),
        ErrorKind::Syntax,
        2,
        1,
        "edmx:Edmx",
    );
    says(&e, "3.0");
    let v401 = doc(USER).replace("Version=\"4.0\"", "Version=\"4.01\"");
    assert_eq!(parse("t", v401.as_bytes()).unwrap().version, "4.01");
    let e = fails(
        doc(USER).replace(" Version=\"4.0\"", ""),
        ErrorKind::Syntax,
        2,
        1,
        "edmx:Edmx",
    );
    says(&e, "`Version`");
}

#[test]
fn missing_data_services() {
    let e = fails(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n</edmx:Edmx>",
        ErrorKind::Syntax,
        1,
        1,
        "edmx:Edmx",
    );
    says(&e, "DataServices");
}

#[test]
fn missing_required_attributes() {
    let e = fails(
        doc(USER).replace(" Namespace=\"ns\"", ""),
        ErrorKind::Syntax,
        4,
        5,
        "Schema",
    );
    says(&e, "`Namespace`");
    let e = fails(
        doc(&USER.replace(" Type=\"Edm.String\"", "")),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/EntityType[user]/Property[id]",
    );
    says(&e, "`Type`");
    fails(
        doc("      <EnumType>\n      </EnumType>"),
        ErrorKind::Syntax,
        5,
        7,
        "Schema[ns]/EnumType",
    );
    fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation String=\"x\" />\n      </Annotations>"),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/Annotations[ns.user]/Annotation",
    );
}

#[test]
fn unknown_element() {
    let e = fails(
        doc("      <EntityType Name=\"user\">\n        <Foo />\n      </EntityType>"),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/EntityType[user]/Foo",
    );
    says(&e, "<Foo> in <EntityType>");
    // A known element in the wrong place.
    let e = fails(
        doc("      <Property Name=\"id\" Type=\"Edm.String\" />"),
        ErrorKind::Syntax,
        5,
        7,
        "Schema[ns]/Property",
    );
    says(&e, "<Property> in <Schema>");
    // Elements below a Property.
    fails(
        doc(&USER.replace(
            "<Property Name=\"id\" Type=\"Edm.String\" />",
            "<Property Name=\"id\" Type=\"Edm.String\"><Member Name=\"x\" /></Property>",
        )),
        ErrorKind::Syntax,
        6,
        47,
        "Schema[ns]/EntityType[user]/Property[id]/Member",
    );
}

#[test]
fn bad_booleans() {
    let e = fails(
        doc(&USER.replace(
            "Type=\"Edm.String\"",
            "Type=\"Edm.String\" Nullable=\"maybe\"",
        )),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/EntityType[user]/Property[id]",
    );
    says(&e, "`maybe`");
    says(&e, "`Nullable`");
    fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation Term=\"Org.OData.Core.V1.Computed\" Bool=\"yes\" />\n      </Annotations>"),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/Annotations[ns.user]/Annotation[Org.OData.Core.V1.Computed]",
    );
    fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation Term=\"t\" Qualifier=\"q\">\n          <Bool>True</Bool>\n        </Annotation>\n      </Annotations>"),
        ErrorKind::Syntax,
        7,
        11,
        "Schema[ns]/Annotations[ns.user]/Annotation[t#q]/Bool",
    );
    fails(
        doc("      <EntityType Name=\"user\" Abstract=\"TRUE\" />"),
        ErrorKind::Syntax,
        5,
        7,
        "Schema[ns]/EntityType[user]",
    );
}

#[test]
fn more_than_one_value() {
    let e = fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation Term=\"t\" Bool=\"true\">\n          <String>x</String>\n        </Annotation>\n      </Annotations>"),
        ErrorKind::Syntax,
        7,
        11,
        "Schema[ns]/Annotations[ns.user]/Annotation[t]/String",
    );
    says(&e, "more than one value");
    fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation Term=\"t\" Bool=\"true\" String=\"x\" />\n      </Annotations>"),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/Annotations[ns.user]/Annotation[t]",
    );
}

#[test]
fn text_where_none_belongs() {
    let e = fails(
        doc("      <EntityType Name=\"user\">hello</EntityType>"),
        ErrorKind::Syntax,
        5,
        31,
        "Schema[ns]/EntityType[user]",
    );
    says(&e, "`hello`");
    fails(
        doc("      <EntityType Name=\"user\"><![CDATA[x]]></EntityType>"),
        ErrorKind::Syntax,
        5,
        40,
        "Schema[ns]/EntityType[user]",
    );
    // Text after the root element.
    fails(
        format!("{}trailing", doc(USER)),
        ErrorKind::Xml,
        11,
        1,
        "(document)",
    );
    fails(
        format!("{}<x/>", doc(USER)),
        ErrorKind::Xml,
        11,
        1,
        "(document)",
    );
}

#[test]
fn elements_in_text_expressions() {
    fails(
        doc("      <Annotations Target=\"ns.user\">\n        <Annotation Term=\"t\">\n          <String>a<b/></String>\n        </Annotation>\n      </Annotations>"),
        ErrorKind::Syntax,
        7,
        20,
        "Schema[ns]/Annotations[ns.user]/Annotation[t]/String/b",
    );
}

#[test]
fn doctype_and_entities_are_refused_cheaply() {
    // "Billion laughs": refused at the DOCTYPE, before any entity is defined.
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bomb.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bomb.push_str("]>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">&lol9;</edmx:Edmx>");
    let start = Instant::now();
    let e = fails(&bomb, ErrorKind::Syntax, 2, 1, "(document)");
    says(&e, "DOCTYPE");
    assert!(start.elapsed() < Duration::from_secs(1));
    // Entities other than the predefined ones are never expanded.
    let e = fails(
        doc("      <EntityType Name=\"a&lol;b\" />"),
        ErrorKind::Xml,
        5,
        7,
        "Schema[ns]/EntityType",
    );
    says(&e, "lol");
}

#[test]
fn duplicate_attributes() {
    let e = fails(
        doc("      <EntityType Name=\"user\" Name=\"other\" />"),
        ErrorKind::Xml,
        5,
        7,
        "Schema[ns]/EntityType",
    );
    says(&e, "twice");
}

#[test]
fn utf16_is_refused_with_a_clear_message() {
    let text = doc(USER);
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for input in [le, be, no_bom] {
        let e = fails(input, ErrorKind::Xml, 1, 1, "(document)");
        says(&e, "UTF-16");
        says(&e, "convert it to UTF-8");
    }
}

#[test]
fn invalid_utf8_is_reported_where_it_is() {
    let mut bytes = doc("      <EntityType Name=\"usXr\" />").into_bytes();
    let at = bytes.iter().position(|&b| b == b'X').unwrap();
    bytes[at] = 0xFF;
    let e = fails(&bytes, ErrorKind::Xml, 5, 27, "Schema[ns]/EntityType");
    says(&e, "UTF-8");
    // In text between elements.
    let mut bytes = doc(USER).into_bytes();
    bytes.extend_from_slice(b"\n\xC3");
    fails(&bytes, ErrorKind::Xml, 12, 1, "(document)");
}

#[test]
fn a_utf8_byte_order_mark_is_accepted() {
    let with_bom = format!("\u{FEFF}{}", doc(USER));
    let d = parse("t", with_bom.as_bytes()).unwrap();
    // The mark is not a column.
    assert_eq!((d.pos.line, d.pos.col), (2, 1));
    let without_decl = format!(
        "\u{FEFF}{}",
        doc(USER).trim_start_matches("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
    );
    let d = parse("t", without_decl.as_bytes()).unwrap();
    assert_eq!((d.pos.line, d.pos.col), (1, 1));
    // Errors after a BOM are positioned as without it.
    fails(
        format!("\u{FEFF}{}", doc("      <Foo/>")),
        ErrorKind::Syntax,
        5,
        7,
        "Schema[ns]/Foo",
    );
}

#[test]
fn crlf_line_ends_give_the_same_positions() {
    let lf = doc(USER);
    let crlf = lf.replace('\n', "\r\n");
    let a = parse("t", lf.as_bytes()).unwrap();
    let b = parse("t", crlf.as_bytes()).unwrap();
    assert_eq!(a, b);
    let SchemaItemPos { line, col } = first_property_pos(&b);
    assert_eq!((line, col), (6, 9));
    fails(
        doc("      <EntityType Name=\"user\">\n        <Foo />\n      </EntityType>")
            .replace('\n', "\r\n"),
        ErrorKind::Syntax,
        6,
        9,
        "Schema[ns]/EntityType[user]/Foo",
    );
}

struct SchemaItemPos {
    line: u32,
    col: u32,
}

fn first_property_pos(d: &graphgen::csdl::ast::Document) -> SchemaItemPos {
    match &d.schemas[0].items[0] {
        graphgen::csdl::ast::SchemaItem::EntityType(t) => SchemaItemPos {
            line: t.properties[0].pos.line,
            col: t.properties[0].pos.col,
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    // "é" is two bytes, one column.
    let e = fails(
        doc("      <!-- été --><Foo/>"),
        ErrorKind::Syntax,
        5,
        19,
        "Schema[ns]/Foo",
    );
    says(&e, "<Foo>");
}

// ---------------------------------------------------------------------------
// Limits

#[test]
fn deep_nesting_fails_fast_with_limit() {
    let prefix = "      <Annotations Target=\"ns.user\"><Annotation Term=\"t\">";
    let body = format!("{prefix}{}", "<Collection>".repeat(10_000));
    let start = Instant::now();
    // Edmx, DataServices, Schema, Annotations and Annotation are 5 levels; the
    // element at depth MAX_DEPTH + 1 is Collection number MAX_DEPTH - 4.
    let n = limits::MAX_DEPTH - 4;
    let col = 1 + prefix.len() + (n - 1) * "<Collection>".len();
    let path = format!(
        "Schema[ns]/Annotations[ns.user]/Annotation[t]/{}Collection",
        "Collection/".repeat(n - 1)
    );
    let e = fails(doc(&body), ErrorKind::Limit, 5, col as u32, &path);
    says(&e, "MAX_DEPTH");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    let n = limits::MAX_DEPTH - 5;
    let body = format!(
        "      <Annotations Target=\"ns.user\"><Annotation Term=\"t\">{}{}</Annotation></Annotations>",
        "<Collection>".repeat(n),
        "</Collection>".repeat(n)
    );
    parse("t", doc(&body).as_bytes()).unwrap();
}

#[test]
fn document_size_limit() {
    let big = vec![b' '; limits::MAX_DOCUMENT_SIZE + 1];
    let e = fails(&big, ErrorKind::Limit, 1, 1, "(document)");
    says(&e, "MAX_DOCUMENT_SIZE");
}

#[test]
fn name_and_attribute_length_limits() {
    let long_name = "n".repeat(limits::MAX_NAME_LEN + 1);
    let e = fails(
        doc(&format!("      <EntityType Name=\"{long_name}\" />")),
        ErrorKind::Limit,
        5,
        7,
        "Schema[ns]/EntityType",
    );
    says(&e, "MAX_NAME_LEN");
    fails(
        doc(&format!("      <{long_name} />")),
        ErrorKind::Limit,
        5,
        7,
        "Schema[ns]",
    );
    // Long descriptions are fine up to MAX_ATTRIBUTE_LEN.
    let text = "d".repeat(100_000);
    let ok = doc(&format!(
        "      <Annotations Target=\"ns.user\"><Annotation Term=\"t\" String=\"{text}\" /></Annotations>"
    ));
    parse("t", ok.as_bytes()).unwrap();
    let too_long = "d".repeat(limits::MAX_ATTRIBUTE_LEN + 1);
    let e = fails(
        doc(&format!(
            "      <Annotations Target=\"ns.user\"><Annotation Term=\"t\" String=\"{too_long}\" /></Annotations>"
        )),
        ErrorKind::Limit,
        5,
        37,
        "Schema[ns]/Annotations[ns.user]/Annotation",
    );
    says(&e, "MAX_ATTRIBUTE_LEN");
    let e = fails(
        doc(&format!(
            "      <Annotations Target=\"ns.user\"><Annotation Term=\"t\"><String>{too_long}</String></Annotation></Annotations>"
        )),
        ErrorKind::Limit,
        5,
        66,
        "Schema[ns]/Annotations[ns.user]/Annotation[t]/String",
    );
    says(&e, "MAX_TEXT_LEN");
}

#[test]
fn attribute_count_limit() {
    let attrs: String = (0..=limits::MAX_ATTRIBUTES)
        .map(|i| format!(" a{i}=\"x\""))
        .collect();
    let e = fails(
        doc(&format!("      <EntityType Name=\"user\"{attrs} />")),
        ErrorKind::Limit,
        5,
        7,
        "Schema[ns]/EntityType",
    );
    says(&e, "MAX_ATTRIBUTES");
}

#[test]
fn malformed_attribute_lists() {
    for (tag, part) in [
        (
            "<EntityType Name=\"user\"Abstract=\"true\" />",
            "no space after",
        ),
        ("<EntityType Name />", "has no value"),
        ("<EntityType Name=user />", "not quoted"),
        ("<EntityType Name=\"a<b\" />", "`<`"),
        (
            "<EntityType =\"x\" Name=\"user\" />",
            "expected an attribute name",
        ),
    ] {
        let e = fails(
            doc(&format!("      {tag}")),
            ErrorKind::Xml,
            5,
            7,
            "Schema[ns]/EntityType",
        );
        says(&e, part);
    }
    // Single quotes and spaces around `=` are fine.
    let ok = doc("      <EntityType Name = 'user' Abstract='true' />");
    let d = parse("t", ok.as_bytes()).unwrap();
    let graphgen::csdl::ast::SchemaItem::EntityType(t) = &d.schemas[0].items[0] else {
        panic!()
    };
    assert_eq!(t.name, "user");
    assert!(t.is_abstract);
}

#[test]
fn parse_file_names_the_file() {
    let missing = std::path::Path::new("/nonexistent/graph.csdl");
    let e = graphgen::csdl::parse_file(missing).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.contains("/nonexistent/graph.csdl"), "{e}");
    let committed = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../metadata/china.csdl"
    ));
    let d = graphgen::csdl::parse_file(committed).unwrap();
    assert!(d.source.ends_with("china.csdl"));
}
