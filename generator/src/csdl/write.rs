//! Syntax tree -> EDMX XML, deterministic, in the style of Microsoft's documents:
//! an `utf-8` XML declaration, 2-space indentation, the `edmx:` prefix on the
//! envelope, `xmlns` on each `Schema`, self-closing empty elements (`<x />`)
//! and attributes in a fixed order.
//!
//! Children are written in a fixed order per element (for example `Key`,
//! `Property`, `NavigationProperty`, then `Annotation`), which is the order of
//! the Graph documents. Expressions are written in attribute notation
//! (`String="..."`) where CSDL allows it, except `EnumMember`, and as elements
//! otherwise (`EnumMember`, `Collection`, `Record`, `Null`), as Microsoft does.
//! Positions are not written. Written from the tree of the global Graph
//! document, the output is byte for byte the original.

use super::ast::*;
use super::{EDMX_NAMESPACE, EDM_NAMESPACE};

/// Writes `doc` as EDMX XML. The output parses back to the same tree (apart
/// from positions and the source name).
pub fn write(doc: &Document) -> String {
    write_with_notes(doc, &[])
}

/// An XML comment written on the line before one item of a schema, to say
/// where a run of items comes from (the tree has no comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note<'a> {
    /// The index of the schema in [`Document::schemas`].
    pub schema: usize,
    /// The index of the item in [`Schema::items`].
    pub item: usize,
    pub text: &'a str,
}

/// [`write()`] with `notes` written before the items they name; the output
/// parses back to the same tree as without them.
pub fn write_with_notes(doc: &Document, notes: &[Note<'_>]) -> String {
    let mut w = Writer {
        out: String::with_capacity(1 << 16),
        depth: 0,
        notes,
    };
    w.document(doc);
    w.out
}

struct Writer<'n> {
    out: String,
    depth: usize,
    notes: &'n [Note<'n>],
}

/// Escapes an attribute value: markup characters, the quote, and the
/// whitespace characters that attribute-value normalisation would change.
fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("&#x{:X};", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// Escapes text content: markup characters and carriage returns (which XML
/// readers would turn into line feeds).
fn escape_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {
                out.push_str(&format!("&#x{:X};", c as u32));
            }
            c => out.push(c),
        }
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// The attribute (and element) name of a scalar expression, and its text.
fn scalar(expr: &Expr) -> Option<(&'static str, &str)> {
    Some(match expr {
        Expr::Binary(v) => ("Binary", v),
        Expr::Bool(b) => ("Bool", bool_str(*b)),
        Expr::Date(v) => ("Date", v),
        Expr::DateTimeOffset(v) => ("DateTimeOffset", v),
        Expr::Decimal(v) => ("Decimal", v),
        Expr::Duration(v) => ("Duration", v),
        Expr::EnumMember(v) => ("EnumMember", v),
        Expr::Float(v) => ("Float", v),
        Expr::Guid(v) => ("Guid", v),
        Expr::Int(v) => ("Int", v),
        Expr::String(v) => ("String", v),
        Expr::TimeOfDay(v) => ("TimeOfDay", v),
        Expr::AnnotationPath(v) => ("AnnotationPath", v),
        Expr::ModelElementPath(v) => ("ModelElementPath", v),
        Expr::NavigationPropertyPath(v) => ("NavigationPropertyPath", v),
        Expr::Path(v) => ("Path", v),
        Expr::PropertyPath(v) => ("PropertyPath", v),
        Expr::Null | Expr::Collection(_) | Expr::Record(_) => return None,
    })
}

impl Writer<'_> {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    /// `<name` at the current indentation.
    fn start(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, value);
        self.out.push('"');
    }

    fn opt_attr(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.attr(name, v);
        }
    }

    fn opt_bool(&mut self, name: &str, value: Option<bool>) {
        if let Some(b) = value {
            self.attr(name, bool_str(b));
        }
    }

    /// A `bool` attribute whose absence means `false`: written only when `true`.
    fn flag(&mut self, name: &str, value: bool) {
        if value {
            self.attr(name, "true");
        }
    }

    /// Ends a start tag: ` />` when there are no children, `>` otherwise
    /// (then the caller writes the children and calls [`Self::end`]).
    fn finish(&mut self, has_children: bool) {
        if has_children {
            self.out.push_str(">\n");
            self.depth += 1;
        } else {
            self.out.push_str(" />\n");
        }
    }

    fn end(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn document(&mut self, doc: &Document) {
        self.out
            .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.start("edmx:Edmx");
        self.attr("Version", &doc.version);
        self.attr("xmlns:edmx", EDMX_NAMESPACE);
        self.finish(true);
        self.start("edmx:DataServices");
        self.finish(!doc.schemas.is_empty());
        if !doc.schemas.is_empty() {
            for (i, schema) in doc.schemas.iter().enumerate() {
                self.schema(i, schema);
            }
            self.end("edmx:DataServices");
        }
        self.end("edmx:Edmx");
        // Like Microsoft's documents, no line break after the root element.
        self.out.pop();
    }

    fn schema(&mut self, index: usize, s: &Schema) {
        self.start("Schema");
        self.attr("Namespace", &s.namespace);
        self.opt_attr("Alias", s.alias.as_deref());
        self.attr("xmlns", EDM_NAMESPACE);
        self.finish(!s.items.is_empty());
        if s.items.is_empty() {
            return;
        }
        for (i, item) in s.items.iter().enumerate() {
            let notes = self.notes;
            for note in notes.iter().filter(|n| (n.schema, n.item) == (index, i)) {
                self.comment(note.text);
            }
            match item {
                SchemaItem::EnumType(e) => self.enum_type(e),
                SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => self.structured(t),
                SchemaItem::Action(o) | SchemaItem::Function(o) => self.operation(o),
                SchemaItem::Term(t) => self.term(t),
                SchemaItem::EntityContainer(c) => self.container(c),
                SchemaItem::Annotations(a) => self.annotations_block(a),
            }
        }
        self.end("Schema");
    }

    /// `<!-- text -->`; a comment may not hold `--`, so a space parts dashes.
    fn comment(&mut self, text: &str) {
        self.indent();
        self.out.push_str("<!-- ");
        let mut last = ' ';
        for c in text.chars() {
            if c == '-' && last == '-' {
                self.out.push(' ');
            }
            self.out.push(c);
            last = c;
        }
        self.out.push_str(" -->\n");
    }

    fn annotation_list(&mut self, annotations: &[Annotation]) {
        for a in annotations {
            self.annotation(a);
        }
    }

    fn enum_type(&mut self, e: &EnumType) {
        self.start("EnumType");
        self.attr("Name", &e.name);
        self.opt_attr("UnderlyingType", e.underlying_type.as_deref());
        self.flag("IsFlags", e.is_flags);
        let children = !e.members.is_empty() || !e.annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        for m in &e.members {
            self.start("Member");
            self.attr("Name", &m.name);
            self.opt_attr("Value", m.value.as_deref());
            self.finish(!m.annotations.is_empty());
            if !m.annotations.is_empty() {
                self.annotation_list(&m.annotations);
                self.end("Member");
            }
        }
        self.annotation_list(&e.annotations);
        self.end("EnumType");
    }

    fn structured(&mut self, t: &StructuredType) {
        let name = match t.kind {
            StructuredKind::Complex => "ComplexType",
            StructuredKind::Entity => "EntityType",
        };
        self.start(name);
        self.attr("Name", &t.name);
        self.opt_attr("BaseType", t.base_type.as_deref());
        self.flag("Abstract", t.is_abstract);
        self.flag("HasStream", t.has_stream);
        self.flag("OpenType", t.open_type);
        let children = t.key.is_some()
            || !t.properties.is_empty()
            || !t.navigation_properties.is_empty()
            || !t.annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        if let Some(key) = &t.key {
            self.start("Key");
            self.finish(!key.is_empty());
            if !key.is_empty() {
                for r in key {
                    self.start("PropertyRef");
                    self.attr("Name", &r.name);
                    self.opt_attr("Alias", r.alias.as_deref());
                    self.finish(false);
                }
                self.end("Key");
            }
        }
        for p in &t.properties {
            self.start("Property");
            self.attr("Name", &p.name);
            self.attr("Type", &p.r#type);
            self.opt_bool("Nullable", p.nullable);
            self.opt_attr("DefaultValue", p.default_value.as_deref());
            let facets = p.facets();
            self.opt_attr("MaxLength", facets.max_length.as_deref());
            self.opt_attr("Precision", facets.precision.as_deref());
            self.opt_attr("Scale", facets.scale.as_deref());
            self.opt_bool("Unicode", p.unicode);
            self.opt_attr("SRID", facets.srid.as_deref());
            self.annotated_end("Property", &p.annotations);
        }
        for n in &t.navigation_properties {
            self.start("NavigationProperty");
            self.attr("Name", &n.name);
            self.attr("Type", &n.r#type);
            self.flag("ContainsTarget", n.contains_target);
            self.opt_bool("Nullable", n.nullable);
            self.opt_attr("Partner", n.partner.as_deref());
            self.annotated_end("NavigationProperty", &n.annotations);
        }
        self.annotation_list(&t.annotations);
        self.end(name);
    }

    /// Ends a start tag whose only children are `annotations`.
    fn annotated_end(&mut self, name: &str, annotations: &[Annotation]) {
        self.finish(!annotations.is_empty());
        if !annotations.is_empty() {
            self.annotation_list(annotations);
            self.end(name);
        }
    }

    fn operation(&mut self, o: &Operation) {
        let name = match o.kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        self.start(name);
        self.attr("Name", &o.name);
        self.opt_attr("EntitySetPath", o.entity_set_path.as_deref());
        self.flag("IsBound", o.is_bound);
        if o.kind == OperationKind::Function {
            self.flag("IsComposable", o.is_composable);
        }
        let children =
            !o.parameters.is_empty() || o.return_type.is_some() || !o.annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        for p in &o.parameters {
            self.start("Parameter");
            self.attr("Name", &p.name);
            self.attr("Type", &p.r#type);
            self.opt_bool("Nullable", p.nullable);
            let facets = p.facets();
            self.opt_attr("MaxLength", facets.max_length.as_deref());
            self.opt_attr("Precision", facets.precision.as_deref());
            self.opt_attr("Scale", facets.scale.as_deref());
            self.opt_bool("Unicode", p.unicode);
            self.opt_attr("SRID", facets.srid.as_deref());
            self.annotated_end("Parameter", &p.annotations);
        }
        if let Some(r) = &o.return_type {
            self.start("ReturnType");
            self.attr("Type", &r.r#type);
            self.opt_bool("Nullable", r.nullable);
            let facets = r.facets();
            self.opt_attr("MaxLength", facets.max_length.as_deref());
            self.opt_attr("Precision", facets.precision.as_deref());
            self.opt_attr("Scale", facets.scale.as_deref());
            self.opt_bool("Unicode", r.unicode);
            self.opt_attr("SRID", facets.srid.as_deref());
            self.annotated_end("ReturnType", &r.annotations);
        }
        self.annotation_list(&o.annotations);
        self.end(name);
    }

    fn term(&mut self, t: &Term) {
        self.start("Term");
        self.attr("Name", &t.name);
        self.attr("Type", &t.r#type);
        self.opt_attr("BaseTerm", t.base_term.as_deref());
        self.opt_attr("AppliesTo", t.applies_to.as_deref());
        self.opt_bool("Nullable", t.nullable);
        self.opt_attr("DefaultValue", t.default_value.as_deref());
        self.annotated_end("Term", &t.annotations);
    }

    fn container(&mut self, c: &EntityContainer) {
        self.start("EntityContainer");
        self.attr("Name", &c.name);
        self.opt_attr("Extends", c.extends.as_deref());
        let children =
            !c.entity_sets.is_empty() || !c.singletons.is_empty() || !c.annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        for s in &c.entity_sets {
            self.start("EntitySet");
            self.attr("Name", &s.name);
            self.attr("EntityType", &s.entity_type);
            self.opt_bool("IncludeInServiceDocument", s.include_in_service_document);
            self.bindings_end("EntitySet", &s.bindings, &s.annotations);
        }
        for s in &c.singletons {
            self.start("Singleton");
            self.attr("Name", &s.name);
            self.attr("Type", &s.r#type);
            self.bindings_end("Singleton", &s.bindings, &s.annotations);
        }
        self.annotation_list(&c.annotations);
        self.end("EntityContainer");
    }

    fn bindings_end(
        &mut self,
        name: &str,
        bindings: &[NavigationPropertyBinding],
        annotations: &[Annotation],
    ) {
        let children = !bindings.is_empty() || !annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        for b in bindings {
            self.start("NavigationPropertyBinding");
            self.attr("Path", &b.path);
            self.attr("Target", &b.target);
            self.finish(false);
        }
        self.annotation_list(annotations);
        self.end(name);
    }

    fn annotations_block(&mut self, a: &Annotations) {
        self.start("Annotations");
        self.attr("Target", &a.target);
        self.opt_attr("Qualifier", a.qualifier.as_deref());
        self.annotated_end("Annotations", &a.annotations);
    }

    fn annotation(&mut self, a: &Annotation) {
        self.start("Annotation");
        self.attr("Term", &a.term);
        self.opt_attr("Qualifier", a.qualifier.as_deref());
        self.valued_end("Annotation", a.value.as_ref(), &a.annotations);
    }

    /// Ends the start tag of an element holding an optional value (in
    /// attribute notation when it is a scalar) and annotations.
    fn valued_end(&mut self, name: &str, value: Option<&Expr>, annotations: &[Annotation]) {
        let element_value = match value {
            // Microsoft writes enumeration members in element notation.
            Some(v @ Expr::EnumMember(_)) => Some(v),
            Some(v) => match scalar(v) {
                Some((attr, text)) => {
                    self.attr(attr, text);
                    None
                }
                None => Some(v),
            },
            None => None,
        };
        let children = element_value.is_some() || !annotations.is_empty();
        self.finish(children);
        if !children {
            return;
        }
        if let Some(v) = element_value {
            self.expr(v);
        }
        self.annotation_list(annotations);
        self.end(name);
    }

    /// An expression in element notation.
    fn expr(&mut self, e: &Expr) {
        if let Some((name, text)) = scalar(e) {
            self.start(name);
            self.out.push('>');
            escape_text(&mut self.out, text);
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
            return;
        }
        match e {
            Expr::Null => {
                self.start("Null");
                self.finish(false);
            }
            Expr::Collection(items) => {
                self.start("Collection");
                self.finish(!items.is_empty());
                if !items.is_empty() {
                    for item in items {
                        self.expr(item);
                    }
                    self.end("Collection");
                }
            }
            Expr::Record(r) => {
                self.start("Record");
                self.opt_attr("Type", r.r#type.as_deref());
                let children = !r.property_values.is_empty() || !r.annotations.is_empty();
                self.finish(children);
                if !children {
                    return;
                }
                for pv in &r.property_values {
                    self.start("PropertyValue");
                    self.attr("Property", &pv.property);
                    self.valued_end("PropertyValue", pv.value.as_ref(), &pv.annotations);
                }
                self.annotation_list(&r.annotations);
                self.end("Record");
            }
            _ => unreachable!("scalars are written above"),
        }
    }
}
