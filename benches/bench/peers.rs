//! Starting the servers and clients that are measured: pinned to their CPU, waited for until
//! they serve, the peers' own echo server in Python.

use super::*;

/// Whether a subject's program is installed (socklab always is).
pub fn available(subject: &str) -> bool {
    match subject {
        "socklab" => true,
        "python-threading" => have("python3"),
        tool => have(tool),
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Whether something listens on 127.0.0.1:port (read from /proc/net/tcp, without
/// connecting, which would use up a one-shot server's only connection).
pub fn listening(port: u16) -> bool {
    let want = format!(":{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap_or_default()
        .lines()
        .skip(1)
        .any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[1].ends_with(&want) && f[3] == "0A"
        })
}

pub fn pinned(cpu: &str, program: &str, args: &[String]) -> Command {
    let mut c = Command::new("taskset");
    c.arg("-c").arg(cpu).arg(program).args(args);
    c
}

/// Starts a server pinned to the server CPU and waits until it is ready: a line that
/// starts with `ready_line` on its output, or its port listening.
pub fn start_server(
    program: &str,
    args: &[String],
    port: u16,
    ready_line: Option<&str>,
) -> Result<Proc, String> {
    let mut child = pinned(SERVER_CPU, program, args)
        .stdin(Stdio::null())
        .stdout(if ready_line.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    if let Some(want) = ready_line {
        let out = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(out);
        let mut l = String::new();
        loop {
            l.clear();
            if lines.read_line(&mut l).map_err(|e| e.to_string())? == 0 {
                let _ = child.kill();
                return Err(format!("{program} ended before it was ready"));
            }
            if l.starts_with(want) {
                break;
            }
        }
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.lines() {});
    } else {
        let until = Instant::now() + Duration::from_secs(10);
        while !listening(port) {
            if Instant::now() > until {
                let _ = child.kill();
                return Err(format!("{program} never listened on {port}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    Ok(Proc(child))
}

pub fn run_client(program: &str, args: &[String]) -> Result<Output, String> {
    let out = pinned(CLIENT_CPU, program, args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out)
}

/// CPU seconds (user + system) a process has used, from /proc.
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command's closing parenthesis; utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

pub fn s(x: impl ToString) -> String {
    x.to_string()
}

pub const PY_ECHO: &str = r#"
import socketserver, sys
class H(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(65536)
            if not d:
                break
            self.request.sendall(d)
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024
srv = S(('127.0.0.1', int(sys.argv[1])), H)
print('ready', flush=True)
srv.serve_forever()
"#;
