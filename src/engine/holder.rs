//! Who holds an address a bind could not have (EADDRINUSE): a listener, a live connection
//! or one in TIME_WAIT, found in the kernel's TCP table through sock_diag; whose socket it
//! is, by name when it is one of ours, by process (from /proc) when not. The hint that
//! follows differs for each: SO_REUSEADDR gets past TIME_WAIT, never past a listener.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;

use super::addr::{Endpoint, Kind};
use super::errors::{Holder, Owner};
use super::inspect::{tcp_table, DiagEntry, TcpState};
use super::{lock, Shared, SocketId};

/// Every state but CLOSE (a bit each, by TcpState's raw numbers).
const ANY_STATE: u32 = 0xffe & !(1 << 7);
/// Descriptors looked at in /proc at most while looking for a socket's process.
const FD_BUDGET: usize = 200_000;

/// What holds `addr` (a TCP address a bind was refused); `reuse_here` says whether the
/// socket that was refused has SO_REUSEADDR.
pub(crate) fn who_holds(shared: &Shared, addr: SocketAddr, reuse_here: bool) -> Holder {
    let mut found: Vec<DiagEntry> = Vec::new();
    for v6 in [false, true] {
        if let Some(t) = tcp_table(v6, ANY_STATE) {
            found.extend(
                t.into_iter()
                    .filter(|e| e.local.port() == addr.port() && overlap(e.local.ip(), addr.ip())),
            );
        }
    }
    let first = |pred: &dyn Fn(&DiagEntry) -> bool| found.iter().find(|e| pred(e));
    if let Some(e) = first(&|e| e.state == TcpState::Listen) {
        return Holder::Listener {
            owner: owner(shared, e.inode),
        };
    }
    // Closed, still finishing: no socket holds it (inode 0), so no program's name fits it.
    let closing = |e: &DiagEntry| {
        e.inode == 0
            && matches!(
                e.state,
                TcpState::FinWait1 | TcpState::FinWait2 | TcpState::Closing | TcpState::LastAck
            )
    };
    if let Some(e) = first(&|e| e.state != TcpState::TimeWait && !closing(e)) {
        return Holder::Connection {
            owner: owner(shared, e.inode),
            state: e.state.name(),
            peer: e.peer.to_string(),
        };
    }
    if let Some(e) = first(&closing) {
        // Up to 60 s of tcp_fin_timeout, an orphaned FIN_WAIT2 waits as a TIME_WAIT-like
        // entry whose timer is what it has left; beyond, its first timer is only a part.
        let exact = fin_timeout().is_some_and(|t| t <= 60);
        return Holder::Closing {
            state: e.state.name(),
            peer: e.peer.to_string(),
            secs_left: (e.state == TcpState::FinWait2 && exact && e.expires_ms > 0)
                .then(|| u64::from(e.expires_ms).div_ceil(1000)),
            reuse_here,
        };
    }
    // Of several in TIME_WAIT on the port, the one that stops the bind: one whose socket
    // lacked SO_REUSEADDR (or is not known to have had it); if all had it, any.
    let reuse = |e: &DiagEntry| shared.afterlife.reuse_of(e.local, e.peer);
    let waits = || found.iter().filter(|e| e.state == TcpState::TimeWait);
    if let Some(e) = waits()
        .find(|e| reuse(e) != Some(true))
        .or_else(|| waits().next())
    {
        return Holder::TimeWait {
            peer: e.peer.to_string(),
            secs_left: u64::from(e.expires_ms).div_ceil(1000),
            reuse_here,
            reuse_there: reuse(e),
        };
    }
    Holder::Unseen
}

/// One of ours of type `kind`, other than `asking`, that is only bound where `at` is: the
/// socket a connect to `at` reached and was refused by (`connect`), or that holds the
/// address a bind wanted (overlapping it, as two binds clash).
pub(crate) fn bound_only(
    shared: &Shared,
    at: &Endpoint,
    kind: Kind,
    asking: SocketId,
    connect: bool,
) -> Option<Holder> {
    let here = |bound: &Endpoint| match (bound, at) {
        (Endpoint::Unix(b), Endpoint::Unix(a)) => !a.is_empty() && a == b,
        _ => match (bound.inet(), at.inet()) {
            (Some(b), Some(a)) if b.port() != 0 && b.port() == a.port() => {
                if connect {
                    // Only a socket of the connect's own family takes it (an IPv6 one
                    // bound to [::] may take IPv4 too, unless IPV6_V6ONLY: not said,
                    // rather than said wrongly).
                    b.is_ipv4() == a.is_ipv4() && reaches(b.ip(), a.ip())
                } else {
                    overlap(b.ip(), a.ip())
                }
            }
            _ => false,
        },
    };
    let workers = lock(&shared.workers);
    let (id, h) = workers.iter().find(|(id, h)| {
        **id != asking && h.bound.as_ref().is_some_and(|(b, k)| *k == kind && here(b))
    })?;
    Some(Holder::BoundOnly {
        owner: Owner::Ours {
            id: *id,
            name: h.name.clone(),
        },
    })
}

/// Whether a connect to `target` arrives at a socket bound to `bound` (same family): a
/// connect to 0.0.0.0 or :: goes to this host's loopback; a socket bound to every address
/// is said to take one to loopback only (one to another address of this host it takes
/// too, but which those are is not looked up: not said, rather than said wrongly).
fn reaches(bound: IpAddr, target: IpAddr) -> bool {
    let target = match target {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        t => t,
    };
    if bound.is_unspecified() {
        target.is_loopback()
    } else {
        bound == target
    }
}

/// net.ipv4.tcp_fin_timeout, seconds.
fn fin_timeout() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_fin_timeout")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether two local addresses clash: the same, or either one every address.
fn overlap(a: IpAddr, b: IpAddr) -> bool {
    a.is_unspecified() || b.is_unspecified() || a.to_canonical() == b.to_canonical()
}

/// Whose socket has this inode: one of ours (by name), this or another process's.
fn owner(shared: &Shared, inode: u32) -> Owner {
    if inode == 0 {
        return Owner::Unknown { inode };
    }
    let me = std::process::id();
    let mut budget = FD_BUDGET;
    if let Some(fd) = fd_of(me, inode, &mut budget) {
        let workers = lock(&shared.workers);
        if let Some((id, h)) = workers
            .iter()
            .find(|(_, h)| h.fd.load(Ordering::Acquire) == fd)
        {
            return Owner::Ours {
                id: *id,
                name: h.name.clone(),
            };
        }
        return Owner::Process {
            pid: me,
            command: command_of(me),
        };
    }
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Owner::Unknown { inode };
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        if fd_of(pid, inode, &mut budget).is_some() {
            return Owner::Process {
                pid,
                command: command_of(pid),
            };
        }
        if budget == 0 {
            break;
        }
    }
    Owner::Unknown { inode }
}

/// The descriptor of process `pid` that is the socket with this inode.
fn fd_of(pid: u32, inode: u32, budget: &mut usize) -> Option<i32> {
    let want = format!("socket:[{inode}]");
    let dir = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    for e in dir.flatten() {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let Ok(link) = std::fs::read_link(e.path()) else {
            continue;
        };
        if link.as_os_str() == want.as_str() {
            return e.file_name().to_str()?.parse().ok();
        }
    }
    None
}

/// A process's command name, as /proc gives it.
fn command_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "?".into())
}
