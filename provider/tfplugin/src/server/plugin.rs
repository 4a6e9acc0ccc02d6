//! go-plugin's side services: controller (shutdown), stdio and broker.

use std::pin::Pin;

use futures::Stream;
use tokio::sync::watch;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::plugin as pb;

/// `plugin.GRPCController`: Terraform calls Shutdown when it is done with
/// the process; we stop serving and exit.
#[derive(Debug, Clone)]
pub struct Controller {
    pub shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _request: Request<pb::Empty>) -> Result<Response<pb::Empty>, Status> {
        tracing::debug!("Terraform asked the plugin to shut down");
        let _ = self.shutdown.send(true);
        Ok(Response::new(pb::Empty {}))
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// `plugin.GRPCStdio`: our output goes straight to stderr, so the stream is empty.
#[derive(Debug, Clone, Default)]
pub struct Stdio;

#[tonic::async_trait]
impl pb::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<pb::StdioData>>, Status> {
        Ok(Response::new(Box::pin(futures::stream::empty())))
    }
}

/// `plugin.GRPCBroker`: providers never broker extra connections; the stream
/// is accepted and closed.
#[derive(Debug, Clone, Default)]
pub struct Broker;

#[tonic::async_trait]
impl pb::grpc_broker_server::GrpcBroker for Broker {
    async fn start_stream(
        &self,
        _request: Request<Streaming<pb::ConnInfo>>,
    ) -> Result<Response<BoxStream<pb::ConnInfo>>, Status> {
        Ok(Response::new(Box::pin(futures::stream::empty())))
    }
}
