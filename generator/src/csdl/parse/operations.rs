//! Operations: `Action` and `Function`, their parameters and return type.

use super::attributes::A;
use super::parser::Parser;
use super::reader::Start;
use crate::csdl::ast::*;
use crate::error::Result;

impl<'a> Parser<'a> {
    pub(super) fn operation(&mut self, s: Start<'a>, kind: OperationKind) -> Result<Operation> {
        let elem = match kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let (mut a, name) = self.named(&s, elem)?;
        let is_bound = a.bool(&self.r, A::IsBound, s.pos)?.unwrap_or(false);
        let is_composable = match kind {
            OperationKind::Function => a.bool(&self.r, A::IsComposable, s.pos)?,
            OperationKind::Action => None,
        }
        .unwrap_or(false);
        let entity_set_path = a.take(A::EntitySetPath);
        self.recycle(a);
        let parameters = self.mark::<Parameter>();
        let mut return_type = None;
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Parameter" => self.add(c, Self::parameter)?,
                b"ReturnType" if return_type.is_none() => return_type = Some(self.return_type(c)?),
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        let parameters = self.list(parameters);
        let annotations = self.list(annotations);
        Ok(Operation {
            kind,
            name,
            is_bound,
            is_composable,
            entity_set_path,
            parameters,
            return_type,
            annotations,
            pos: s.pos,
        })
    }

    fn parameter(&mut self, s: Start<'a>) -> Result<Parameter> {
        let (mut a, name) = self.named(&s, "Parameter")?;
        let r#type = a.required(&self.r, A::Type, s.pos, None)?;
        let nullable = a.bool(&self.r, A::Nullable, s.pos)?;
        let unicode = a.bool(&self.r, A::Unicode, s.pos)?;
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Parameter {
            name,
            r#type,
            nullable,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }

    fn return_type(&mut self, s: Start<'a>) -> Result<ReturnType> {
        let mut a = self.attrs(&s, "ReturnType")?;
        self.r.enter(&s, "ReturnType", None);
        let r#type = a.required(&self.r, A::Type, s.pos, None)?;
        let nullable = a.bool(&self.r, A::Nullable, s.pos)?;
        let unicode = a.bool(&self.r, A::Unicode, s.pos)?;
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(ReturnType {
            r#type,
            nullable,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }
}
