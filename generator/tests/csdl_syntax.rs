//! The CSDL reader, writer and slicer on small documents: every element and
//! attribute the Graph documents use lands in the syntax tree as written.

use graphgen::csdl::ast::*;
use graphgen::csdl::{parse, write};
use graphgen::slice::slice;
use graphgen::ErrorKind;

const EVERYTHING: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="test.ns" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color" UnderlyingType="Edm.Int64" IsFlags="true">
        <Member Name="red" Value="1" />
        <Member Name="green">
          <Annotation Term="Org.OData.Core.V1.Description" String="Green &amp; &quot;fresh&quot;&#xA;&lt;new line&gt;" />
        </Member>
      </EnumType>
      <ComplexType Name="base" Abstract="true" OpenType="true" />
      <EntityType Name="thing" BaseType="t.base2" HasStream="true">
        <Key>
          <PropertyRef Name="id" Alias="key" />
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false" DefaultValue="x" MaxLength="10" Precision="3" Scale="variable" Unicode="false" SRID="4326" />
        <NavigationProperty Name="parts" Type="Collection(t.thing)" Nullable="false" Partner="owner" ContainsTarget="true" />
        <Annotation Term="Org.OData.Core.V1.Computed" />
      </EntityType>
      <EntityType Name="base2" Abstract="true" />
      <Action Name="doIt" IsBound="true" EntitySetPath="bp/parts">
        <Parameter Name="bp" Type="t.thing" Nullable="false" MaxLength="max" Unicode="true" />
        <ReturnType Type="Collection(t.thing)" Nullable="false" />
      </Action>
      <Function Name="find" IsComposable="true">
        <ReturnType Type="Edm.String" />
      </Function>
      <Term Name="tag" Type="Edm.Boolean" BaseTerm="t.other" AppliesTo="EntityType Property" Nullable="false" DefaultValue="true" />
      <EntityContainer Name="Service" Extends="t.Base">
        <EntitySet Name="things" EntityType="t.thing" IncludeInServiceDocument="false">
          <NavigationPropertyBinding Path="parts" Target="things" />
        </EntitySet>
        <Singleton Name="me" Type="t.thing" />
      </EntityContainer>
      <Annotations Target="t.thing/id" Qualifier="q">
        <Annotation Term="Org.OData.Capabilities.V1.ReadRestrictions" Qualifier="r">
          <Record Type="Org.OData.Capabilities.V1.ReadRestrictionsType">
            <PropertyValue Property="Readable" Bool="true" />
            <PropertyValue Property="Kind">
              <EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember>
            </PropertyValue>
            <PropertyValue Property="Paths">
              <Collection>
                <String>  spaced &lt;text&gt;  </String>
                <String>a<!-- comment --> b</String>
                <String><![CDATA[raw <cdata>]]></String>
                <String></String>
                <String />
                <PropertyPath>a/b</PropertyPath>
                <NavigationPropertyPath>parts</NavigationPropertyPath>
                <Null />
                <Int>42</Int>
                <Bool>false</Bool>
                <Date>2024-01-02</Date>
              </Collection>
            </PropertyValue>
            <Annotation Term="Org.OData.Core.V1.Description" String="nested" />
          </Record>
          <Annotation Term="Org.OData.Core.V1.LongDescription" String="on the annotation" />
        </Annotation>
        <Annotation Term="x.y" Date="2024-01-02" />
        <Annotation Term="x.z" Path="a/b" />
        <Annotation Term="x.w" EnumMember="x.E/one" />
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn everything() -> Document {
    parse("everything.csdl", EVERYTHING.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn pos(line: u32, col: u32) -> Pos {
    Pos { line, col }
}

#[test]
fn every_attribute_is_kept_as_written() {
    let d = everything();
    assert_eq!(d.source, "everything.csdl");
    assert_eq!(d.version, "4.01");
    assert_eq!(d.pos, pos(2, 1));
    let s = &d.schemas[0];
    assert_eq!(
        (s.namespace.as_str(), s.alias.as_deref()),
        ("test.ns", Some("t"))
    );
    assert_eq!(s.pos, pos(4, 5));
    assert_eq!(s.items.len(), 9);

    let SchemaItem::EnumType(e) = &s.items[0] else {
        panic!()
    };
    assert_eq!(e.name, "color");
    assert_eq!(e.underlying_type.as_deref(), Some("Edm.Int64"));
    assert!(e.is_flags);
    assert_eq!(e.members[0].value.as_deref(), Some("1"));
    assert_eq!(e.members[1].value, None);
    assert_eq!(e.members[1].pos, pos(7, 9));
    let description = &e.members[1].annotations[0];
    assert_eq!(
        description.value,
        Some(Expr::String("Green & \"fresh\"\n<new line>".into()))
    );
    assert_eq!(description.pos, pos(8, 11));

    let SchemaItem::ComplexType(base) = &s.items[1] else {
        panic!()
    };
    assert!(base.is_abstract && base.open_type && !base.has_stream);
    assert_eq!(base.kind, StructuredKind::Complex);

    let SchemaItem::EntityType(t) = &s.items[2] else {
        panic!()
    };
    assert_eq!(t.kind, StructuredKind::Entity);
    assert_eq!(t.base_type.as_deref(), Some("t.base2"));
    assert!(t.has_stream && !t.is_abstract && !t.open_type);
    let key = t.key.as_ref().unwrap();
    assert_eq!(
        (key[0].name.as_str(), key[0].alias.as_deref(), key[0].pos),
        ("id", Some("key"), pos(14, 11))
    );
    let p = &t.properties[0];
    assert_eq!(
        (
            p.name.as_str(),
            p.r#type.as_str(),
            p.nullable,
            p.default_value.as_deref(),
            p.facets().max_length.as_deref(),
            p.facets().precision.as_deref(),
            p.facets().scale.as_deref(),
            p.unicode,
            p.facets().srid.as_deref(),
        ),
        (
            "id",
            "Edm.String",
            Some(false),
            Some("x"),
            Some("10"),
            Some("3"),
            Some("variable"),
            Some(false),
            Some("4326")
        )
    );
    let n = &t.navigation_properties[0];
    assert_eq!(
        (
            n.r#type.as_str(),
            n.nullable,
            n.partner.as_deref(),
            n.contains_target
        ),
        ("Collection(t.thing)", Some(false), Some("owner"), true)
    );
    assert_eq!(t.annotations[0].term, "Org.OData.Core.V1.Computed");
    assert_eq!(t.annotations[0].value, None);

    let SchemaItem::Action(a) = &s.items[4] else {
        panic!()
    };
    assert_eq!(a.kind, OperationKind::Action);
    assert!(a.is_bound && !a.is_composable);
    assert_eq!(a.entity_set_path.as_deref(), Some("bp/parts"));
    let bp = &a.parameters[0];
    assert_eq!(
        (bp.nullable, bp.facets().max_length.as_deref(), bp.unicode),
        (Some(false), Some("max"), Some(true))
    );
    let r = a.return_type.as_ref().unwrap();
    assert_eq!(
        (r.r#type.as_str(), r.nullable),
        ("Collection(t.thing)", Some(false))
    );
    // Facets are boxed only where some are written.
    assert!(bp.facets.is_some());
    assert_eq!((&r.facets, r.facets()), (&None, &Facets::default()));

    let SchemaItem::Function(f) = &s.items[5] else {
        panic!()
    };
    assert!(f.is_composable && !f.is_bound);

    let SchemaItem::Term(term) = &s.items[6] else {
        panic!()
    };
    assert_eq!(
        (
            term.r#type.as_str(),
            term.base_term.as_deref(),
            term.applies_to.as_deref(),
            term.nullable,
            term.default_value.as_deref()
        ),
        (
            "Edm.Boolean",
            Some("t.other"),
            Some("EntityType Property"),
            Some(false),
            Some("true")
        )
    );

    let SchemaItem::EntityContainer(c) = &s.items[7] else {
        panic!()
    };
    assert_eq!(c.extends.as_deref(), Some("t.Base"));
    let set = &c.entity_sets[0];
    assert_eq!(set.include_in_service_document, Some(false));
    assert_eq!(
        (
            set.bindings[0].path.as_str(),
            set.bindings[0].target.as_str(),
            set.bindings[0].pos
        ),
        ("parts", "things", pos(31, 11))
    );
    assert_eq!(c.singletons[0].r#type, "t.thing");
}

#[test]
fn annotation_expressions_in_both_notations() {
    let d = everything();
    let SchemaItem::Annotations(block) = &d.schemas[0].items[8] else {
        panic!()
    };
    assert_eq!(block.target, "t.thing/id");
    assert_eq!(block.qualifier.as_deref(), Some("q"));
    let read = &block.annotations[0];
    assert_eq!(read.qualifier.as_deref(), Some("r"));
    assert_eq!(
        read.annotations[0].term,
        "Org.OData.Core.V1.LongDescription"
    );
    let Some(Expr::Record(record)) = &read.value else {
        panic!("{:?}", read.value)
    };
    assert_eq!(
        record.r#type.as_deref(),
        Some("Org.OData.Capabilities.V1.ReadRestrictionsType")
    );
    assert_eq!(record.pos, pos(37, 11));
    assert_eq!(
        record.annotations[0].value,
        Some(Expr::String("nested".into()))
    );
    let values: Vec<(&str, &Option<Expr>)> = record
        .property_values
        .iter()
        .map(|pv| (pv.property.as_str(), &pv.value))
        .collect();
    assert_eq!(values[0], ("Readable", &Some(Expr::Bool(true))));
    assert_eq!(
        values[1],
        (
            "Kind",
            &Some(Expr::EnumMember(
                "Org.OData.Core.V1.RevisionKind/Deprecated".into()
            ))
        )
    );
    let Some(Expr::Collection(items)) = values[2].1 else {
        panic!()
    };
    assert_eq!(
        items,
        &[
            Expr::String("  spaced <text>  ".into()),
            Expr::String("a b".into()),
            Expr::String("raw <cdata>".into()),
            Expr::String(String::new()),
            Expr::String(String::new()),
            Expr::PropertyPath("a/b".into()),
            Expr::NavigationPropertyPath("parts".into()),
            Expr::Null,
            Expr::Int("42".into()),
            Expr::Bool(false),
            Expr::Date("2024-01-02".into()),
        ]
    );
    let attrs: Vec<&Option<Expr>> = block.annotations[1..].iter().map(|a| &a.value).collect();
    assert_eq!(
        attrs,
        [
            &Some(Expr::Date("2024-01-02".into())),
            &Some(Expr::Path("a/b".into())),
            &Some(Expr::EnumMember("x.E/one".into())),
        ]
    );
}

#[test]
fn the_writer_round_trips_and_escapes() {
    let d = everything();
    let text = write(&d);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.01\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n    <Schema Namespace=\"test.ns\" Alias=\"t\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n"));
    assert!(text.contains("String=\"Green &amp; &quot;fresh&quot;&#xA;&lt;new line&gt;\""));
    assert!(text.contains("<String>  spaced &lt;text&gt;  </String>"));
    assert!(text.contains("<ComplexType Name=\"base\" Abstract=\"true\" OpenType=\"true\" />"));
    assert!(text.contains("<Null />"));
    let again = parse("again", text.as_bytes()).unwrap();
    assert_eq!(write(&again), text);
    // The source is laid out like the writer's output (one element per
    // line), so even the positions come back the same.
    let mut again = again;
    again.source = d.source.clone();
    assert_eq!(again, d);
}

#[test]
fn unusual_characters_survive_the_writer() {
    let mut d = everything();
    let SchemaItem::EnumType(e) = &mut d.schemas[0].items[0] else {
        panic!()
    };
    let text = "tab\there\r\nCRLF, quote \" apostrophe ' amp & lt < gt > ]]> bell \u{7} é 😀";
    e.members[0].value = Some(text.into());
    e.members[1].annotations[0].value = Some(Expr::Collection(vec![Expr::String(text.into())]));
    let written = write(&d);
    let again = parse("again", written.as_bytes()).unwrap();
    let SchemaItem::EnumType(e2) = &again.schemas[0].items[0] else {
        panic!()
    };
    assert_eq!(e2.members[0].value.as_deref(), Some(text));
    assert_eq!(
        e2.members[1].annotations[0].value,
        Some(Expr::Collection(vec![Expr::String(text.into())]))
    );
}

#[test]
fn an_empty_document_is_written_compactly() {
    let d = Document {
        source: String::new(),
        version: "4.0".into(),
        schemas: Vec::new(),
        pos: Pos::default(),
    };
    assert_eq!(
        write(&d),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices />\n</edmx:Edmx>"
    );
}

// ---------------------------------------------------------------------------
// Slicing small documents

const TWO_NAMESPACES: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="main" Alias="m" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <ComplexType Name="used">
        <Property Name="next" Type="Collection(m.chained)" />
      </ComplexType>
      <ComplexType Name="chained">
        <Property Name="e" Type="main.kind" />
      </ComplexType>
      <EnumType Name="kind"><Member Name="a" /></EnumType>
      <ComplexType Name="unused" />
      <EntityType Name="user" BaseType="m.entity" />
      <Action Name="unrelated" IsBound="true">
        <Parameter Name="bp" Type="other.item" />
      </Action>
      <Term Name="myTerm" Type="m.termType" />
      <ComplexType Name="termType" />
      <EntityContainer Name="Service">
        <EntitySet Name="items" EntityType="other.item">
          <NavigationPropertyBinding Path="owner" Target="users" />
          <NavigationPropertyBinding Path="other.special/peer" Target="items" />
          <NavigationPropertyBinding Path="m.user/x" Target="main.Service/items" />
        </EntitySet>
        <EntitySet Name="users" EntityType="m.user" />
        <Singleton Name="root" Type="other.root">
          <NavigationPropertyBinding Path="items" Target="items" />
          <Annotation Term="Org.OData.Core.V1.Description" String="gone" />
          <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
        </Singleton>
      </EntityContainer>
      <Annotations Target="other.item/name">
        <Annotation Term="Org.OData.Core.V1.Description" String="gone" />
        <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
      </Annotations>
      <Annotations Target="other.item">
        <Annotation Term="Org.OData.Core.V1.LongDescription" String="gone, and so is the block" />
      </Annotations>
      <Annotations Target="m.unused">
        <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
      </Annotations>
      <Annotations Target="m.entity/id">
        <Annotation Term="m.myTerm" Bool="true" />
      </Annotations>
      <Annotations Target="other.act(other.item, Collection(Edm.String))/p">
        <Annotation Term="Org.OData.Core.V1.OptionalParameter" />
      </Annotations>
      <Annotations Target="m.Service/items">
        <Annotation Term="Org.OData.Capabilities.V1.TopSupported" Bool="false" />
      </Annotations>
      <Annotations Target="main.Service/users">
        <Annotation Term="Org.OData.Capabilities.V1.TopSupported" Bool="false" />
      </Annotations>
    </Schema>
    <Schema Namespace="other" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="item" BaseType="m.entity">
        <Property Name="name" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Description">
            <Annotation Term="x.nested" String="gone with its parent" />
          </Annotation>
        </Property>
        <Property Name="extra" Type="m.used">
          <Annotation Term="x.keep">
            <Record>
              <PropertyValue Property="p" Bool="true">
                <Annotation Term="Org.OData.Core.V1.Description" String="gone" />
              </PropertyValue>
            </Record>
          </Annotation>
        </Property>
      </EntityType>
      <EntityType Name="special" BaseType="other.item">
        <NavigationProperty Name="peer" Type="other.item" />
      </EntityType>
      <EntityType Name="root">
        <NavigationProperty Name="items" Type="Collection(other.item)" ContainsTarget="true" />
      </EntityType>
      <Action Name="act" IsBound="true">
        <Parameter Name="bp" Type="other.item" />
        <Parameter Name="p" Type="Collection(Edm.String)" />
      </Action>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn names(d: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for s in &d.schemas {
        for item in &s.items {
            out.push(match item {
                SchemaItem::EnumType(e) => format!("{}.{}", s.namespace, e.name),
                SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                    format!("{}.{}", s.namespace, t.name)
                }
                SchemaItem::Action(o) | SchemaItem::Function(o) => {
                    format!("{}.{}()", s.namespace, o.name)
                }
                SchemaItem::Term(t) => format!("term {}.{}", s.namespace, t.name),
                SchemaItem::EntityContainer(c) => format!("container {}.{}", s.namespace, c.name),
                SchemaItem::Annotations(a) => format!("annotations {}", a.target),
            });
        }
    }
    out
}

#[test]
fn a_slice_is_the_namespace_plus_the_closure_of_its_references() {
    let d = parse("two.csdl", TWO_NAMESPACES.as_bytes()).unwrap();
    let s = slice(&d, "other").unwrap();
    assert_eq!(
        names(&s),
        [
            // Through BaseType (alias-qualified), Property types (Collection,
            // alias- and namespace-qualified), recursively; `unused`, `user`,
            // the action bound elsewhere and the unused term are left out.
            "main.entity",
            "main.used",
            "main.chained",
            "main.kind",
            // A term used by a kept annotation (on `m.entity/id`), defined in
            // a schema that is kept anyway, with the type it needs.
            "term main.myTerm",
            "main.termType",
            // `items` and `root` have types of `other`, `users` does not.
            "container main.Service",
            "annotations other.item/name",
            "annotations m.entity/id",
            "annotations other.act(other.item, Collection(Edm.String))/p",
            "annotations m.Service/items",
            "other.item",
            "other.special",
            "other.root",
            "other.act()",
        ]
    );
    assert_eq!(s.schemas[0].alias.as_deref(), Some("m"));
    assert_eq!(s.schemas[1].alias, None);
    let SchemaItem::EntityContainer(c) = &s.schemas[0].items[6] else {
        panic!()
    };
    let sets: Vec<&str> = c.entity_sets.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(sets, ["items"]);
    // Bindings to `users` and through the cast to the dropped `m.user` go;
    // the one through `other.special` to `items` stays.
    let bindings: Vec<(&str, &str)> = c.entity_sets[0]
        .bindings
        .iter()
        .map(|b| (b.path.as_str(), b.target.as_str()))
        .collect();
    assert_eq!(bindings, [("other.special/peer", "items")]);
    assert_eq!(c.singletons[0].bindings.len(), 1);
    // Descriptions are gone at every level, other annotations stay.
    let root_terms: Vec<&str> = c.singletons[0]
        .annotations
        .iter()
        .map(|a| a.term.as_str())
        .collect();
    assert_eq!(root_terms, ["Org.OData.Core.V1.Computed"]);
    let text = write(&s);
    assert!(!text.contains("Description"), "{text}");
    assert!(!text.contains("gone"), "{text}");
    assert!(text.contains("x.keep"));
    // Deterministic.
    assert_eq!(slice(&d, "other").unwrap(), s);
}

#[test]
fn terms_not_used_by_kept_annotations_are_left_out() {
    let text = TWO_NAMESPACES.replace(
        "<Annotation Term=\"m.myTerm\" Bool=\"true\" />",
        "<Annotation Term=\"x.other\" Bool=\"true\" />",
    );
    let d = parse("two.csdl", text.as_bytes()).unwrap();
    let all = names(&slice(&d, "other").unwrap());
    assert!(
        !all.iter()
            .any(|n| n.contains("myTerm") || n.contains("termType")),
        "{all:?}"
    );
}

#[test]
fn a_missing_namespace_gives_an_empty_document() {
    let d = parse("two.csdl", TWO_NAMESPACES.as_bytes()).unwrap();
    let s = slice(&d, "absent").unwrap();
    assert!(s.schemas.is_empty());
    assert_eq!(s.version, "4.0");
    assert_eq!(s.source, "two.csdl");
}

#[test]
fn an_unresolvable_reference_is_an_error_with_its_location() {
    let text = TWO_NAMESPACES.replace("Type=\"m.used\"", "Type=\"m.nowhere\"");
    let d = parse("two.csdl", text.as_bytes()).unwrap();
    let e = slice(&d, "other").unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownType);
    let loc = e.location.unwrap();
    assert_eq!(
        (loc.file.as_str(), loc.line, loc.col, loc.element.as_str()),
        (
            "two.csdl",
            65,
            9,
            "Schema[other]/EntityType[item]/Property[extra]"
        )
    );
    assert!(e.message.contains("m.nowhere"));
}

#[test]
fn line_ends_and_tabs_are_read_as_xml_defines_them() {
    let text =
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\r\n\
        <edmx:DataServices>\r\n\
        <Schema Namespace=\"ns\">\r\n\
        <Annotations Target=\"ns.x\">\r\n\
        <Annotation Term=\"a\" String=\"one\r\ntwo\tthree\nfour&#xD;&#xA;five\" />\r\n\
        <Annotation Term=\"b\">\r\n<String>one\r\ntwo\rthree&#xD;</String>\r\n</Annotation>\r\n\
        </Annotations>\r\n\
        </Schema>\r\n\
        </edmx:DataServices>\r\n\
        </edmx:Edmx>";
    let d = parse("crlf", text.as_bytes()).unwrap();
    let SchemaItem::Annotations(a) = &d.schemas[0].items[0] else {
        panic!()
    };
    // In attributes, line ends and tabs written as such are spaces; as references they stay.
    assert_eq!(
        a.annotations[0].value,
        Some(Expr::String("one two three four\r\nfive".into()))
    );
    // In text, CRLF and CR are LF; a reference to CR stays CR.
    assert_eq!(
        a.annotations[1].value,
        Some(Expr::String("one\ntwo\nthree\r".into()))
    );
    // Two line ends inside the first annotation's value count as lines.
    assert_eq!(a.annotations[1].pos, Pos { line: 8, col: 1 });
}
