//! A `tokio-postgres` COPY stream read as `std::io::BufRead`.

use std::collections::VecDeque;
use std::io::BufRead;

/// Most messages taken from the connection per entry into the runtime.
const BATCH: usize = 256;

/// A COPY stream's messages as one byte stream. Each time the messages
/// in hand are used up, the runtime is entered once to wait for the next
/// and take every one already received with it (a message is usually a
/// single row: entering the runtime per message was a large share of a
/// reader's time).
pub(super) struct Chunks<'a> {
    pub(super) rt: &'a tokio::runtime::Runtime,
    pub(super) stream: std::pin::Pin<Box<tokio_postgres::CopyOutStream>>,
    pub(super) chunk: bytes::Bytes,
    pub(super) pos: usize,
    pub(super) ready: VecDeque<bytes::Bytes>,
    pub(super) ended: bool,
}

impl<'a> Chunks<'a> {
    pub(super) fn new(
        rt: &'a tokio::runtime::Runtime,
        stream: tokio_postgres::CopyOutStream,
    ) -> Self {
        Self {
            rt,
            stream: Box::pin(stream),
            chunk: bytes::Bytes::new(),
            pos: 0,
            ready: VecDeque::with_capacity(BATCH),
            ended: false,
        }
    }

    /// Waits for the next message and takes those already there with it.
    fn fetch(&mut self) -> std::io::Result<()> {
        use futures_util::{FutureExt, StreamExt};
        let (stream, ready) = (&mut self.stream, &mut self.ready);
        let ended = self.rt.block_on(async {
            match stream.next().await {
                Some(Ok(chunk)) => ready.push_back(chunk),
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => return Ok(true),
            }
            while ready.len() < BATCH {
                match stream.next().now_or_never() {
                    Some(Some(Ok(chunk))) => ready.push_back(chunk),
                    Some(Some(Err(e))) => return Err(std::io::Error::other(e)),
                    Some(None) => return Ok(true),
                    None => break,
                }
            }
            Ok(false)
        })?;
        self.ended = ended;
        Ok(())
    }
}

impl std::io::Read for Chunks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let chunk = self.fill_buf()?;
        let n = chunk.len().min(out.len());
        out[..n].copy_from_slice(&chunk[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Chunks<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.chunk.len() {
            if let Some(chunk) = self.ready.pop_front() {
                self.chunk = chunk;
                self.pos = 0;
                continue;
            }
            if self.ended {
                return Ok(&[]);
            }
            self.fetch()?;
        }
        Ok(&self.chunk[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}
