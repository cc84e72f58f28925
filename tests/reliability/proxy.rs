//! A TCP proxy the test owns between Keyward and PostgreSQL: cutting it
//! makes PostgreSQL unreachable for that one Keyward without touching the
//! shared PostgreSQL server other tests use.

use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub struct Proxy {
    pub address: SocketAddr,
    upstream: SocketAddr,
    serving: Option<JoinHandle<()>>,
}

impl Proxy {
    /// A proxy on an ephemeral port to `upstream`, forwarding.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = listen("127.0.0.1:0".parse().unwrap());
        let address = listener.local_addr().unwrap();
        Proxy { address, upstream, serving: Some(tokio::spawn(forward(listener, upstream))) }
    }

    /// Closes every connection and the listening socket: new connections are
    /// refused, as while PostgreSQL restarts.
    pub async fn cut(&mut self) {
        if let Some(serving) = self.serving.take() {
            serving.abort();
            let _ = serving.await;
        }
    }

    /// Listens again on the same address.
    pub fn restore(&mut self) {
        assert!(self.serving.is_none(), "cut before restoring");
        self.serving = Some(tokio::spawn(forward(listen(self.address), self.upstream)));
    }
}

/// A listener that can take an address back right after it was closed.
fn listen(address: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(address).unwrap();
    socket.listen(128).unwrap()
}

/// Accepts and pipes each connection to `upstream`. Aborting it drops the
/// listener and, with the set, every connection.
async fn forward(listener: TcpListener, upstream: SocketAddr) {
    let mut links = JoinSet::new();
    while let Ok((mut client, _)) = listener.accept().await {
        links.spawn(async move {
            if let Ok(mut server) = TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            }
        });
        while links.try_join_next().is_some() {}
    }
}
