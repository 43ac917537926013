//! Relay's Global Object Identification: the `Node` interface and `node(id:)`.
//!
//! Each node type keeps its row `id`, which every argument takes, and carries `nodeId` beside
//! it, its global id (base64 of `Type:id`), which `node(id:)` reads back through the same scope
//! as the type's own query. Relay clients set `schemaConfig.nodeInterfaceIdField` to `nodeId`
//! (as for PostGraphile, whose `nodeId` this follows).

use async_graphql::{Context, ID, Interface, Object};

use crate::error::{ApiError, Result};
use crate::evaluation::EvaluationRound;
use crate::graphql::context::parse_global_id;
use crate::institution::Institution;
use crate::jurisdiction::Jurisdiction;
use crate::staff::Staff;
use crate::submission::Submission;

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "node_id", ty = "ID", desc = "The object's global id, unique across types."))]
pub enum Node {
    Institution(Institution),
    Jurisdiction(Jurisdiction),
    Staff(Staff),
    EvaluationRound(EvaluationRound),
    Submission(Submission),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object a global id (`nodeId`) names, read as the type's own query reads it: null
    /// when there is none or it is out of the caller's scope, the type's own refusal when the
    /// caller may not read that type at all.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let (type_name, row) = parse_global_id(&id)?;
        Ok(match type_name.as_str() {
            "Institution" => crate::institution::visible(ctx, row).await?.map(Node::Institution),
            "Jurisdiction" => crate::jurisdiction::visible(ctx, row).await?.map(Node::Jurisdiction),
            "Staff" => crate::staff::visible(ctx, row).await?.map(Node::Staff),
            "EvaluationRound" => crate::evaluation::visible(ctx, row).await?.map(Node::EvaluationRound),
            "Submission" => crate::submission::visible(ctx, row).await?.map(Node::Submission),
            _ => return Err(ApiError::bad_input(format!("`{}` is not a node id", id.as_str()))),
        })
    }
}
