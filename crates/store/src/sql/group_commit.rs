//! Group commit for SQLite's single writer: concurrent `apply` calls are committed together, one
//! transaction and one fsync for the lot, each in its own savepoint so that one call's failure
//! (a conflict, a failed precondition) undoes only that call. Every caller is answered after the
//! commit that holds its writes, so a 2xx still means "committed" (`docs/decisions.md` 18).
//!
//! The commit runs in its own task: a caller that goes away (a client hanging up) cannot
//! cancel the transaction that also carries other callers' writes.

use super::apply_one;
use crate::metrics::StoreMetrics;
use crate::{StoreError, StoreResult, Write};
use portico_model::TenantId;
use sqlx::AnyPool;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Most calls one transaction carries; the rest wait for the next.
const MAX_BATCH: usize = 256;

struct Pending {
    tenant: TenantId,
    writes: Vec<Write>,
    reply: oneshot::Sender<StoreResult<()>>,
}

pub(crate) struct GroupCommit {
    pool: AnyPool,
    queue: Mutex<Vec<Pending>>,
    /// Held by the task committing a batch; the next batch forms while it waits.
    committer: Arc<tokio::sync::Mutex<()>>,
    metrics: Arc<StoreMetrics>,
}

impl GroupCommit {
    pub(crate) fn new(pool: AnyPool, metrics: Arc<StoreMetrics>) -> Arc<Self> {
        Arc::new(Self {
            pool,
            metrics,
            queue: Mutex::new(Vec::new()),
            committer: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Queues the writes and waits until the transaction that carries them has committed.
    pub(crate) async fn apply(
        self: &Arc<Self>,
        tenant: TenantId,
        writes: Vec<Write>,
    ) -> StoreResult<()> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .lock()
            .map_err(|_| StoreError::Database("the write queue is poisoned".into()))?
            .push(Pending {
                tenant,
                writes,
                reply,
            });
        let this = Arc::clone(self);
        tokio::spawn(async move { this.commit_queued().await });
        answer
            .await
            .map_err(|_| StoreError::Database("the write was interrupted".into()))?
    }

    /// Takes what is queued (if an earlier task has not already) and commits it.
    async fn commit_queued(&self) {
        let _turn = self.committer.lock().await;
        loop {
            let batch: Vec<Pending> = match self.queue.lock() {
                Ok(mut queue) => {
                    let take = queue.len().min(MAX_BATCH);
                    queue.drain(..take).collect()
                }
                Err(_) => return,
            };
            if batch.is_empty() {
                return;
            }
            self.commit(batch).await;
        }
    }

    async fn commit(&self, batch: Vec<Pending>) {
        #[allow(clippy::cast_precision_loss)] // At most MAX_BATCH.
        self.metrics
            .group_commit_batch_size
            .observe(batch.len() as f64);
        let mut tx = match self.pool.begin().await {
            Ok(tx) => tx,
            Err(error) => {
                let error = super::codec::db_error(error);
                for pending in batch {
                    let _ = pending.reply.send(Err(error.clone()));
                }
                return;
            }
        };
        let mut outcomes = Vec::with_capacity(batch.len());
        for pending in &batch {
            outcomes.push(apply_in_savepoint(&mut tx, pending.tenant, &pending.writes).await);
        }
        let committed = tx.commit().await.map_err(super::codec::db_error);
        for (pending, outcome) in batch.into_iter().zip(outcomes) {
            let answer = match (&committed, outcome) {
                (Ok(()), outcome) => outcome,
                // Nothing of this batch is durable; a call that failed on its own keeps its error.
                (Err(error), Ok(())) => Err(error.clone()),
                (Err(_), Err(own)) => Err(own),
            };
            let _ = pending.reply.send(answer);
        }
    }
}

/// One caller's writes, all or nothing inside the shared transaction.
async fn apply_in_savepoint(
    conn: &mut sqlx::AnyConnection,
    tenant: TenantId,
    writes: &[Write],
) -> StoreResult<()> {
    run(conn, "SAVEPOINT portico_call").await?;
    for write in writes {
        if let Err(error) = apply_one(conn, tenant, write).await {
            run(conn, "ROLLBACK TO SAVEPOINT portico_call").await?;
            run(conn, "RELEASE SAVEPOINT portico_call").await?;
            return Err(error);
        }
    }
    run(conn, "RELEASE SAVEPOINT portico_call").await
}

async fn run(conn: &mut sqlx::AnyConnection, statement: &str) -> StoreResult<()> {
    sqlx::query(statement)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(super::codec::db_error)
}
