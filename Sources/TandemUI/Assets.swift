/// Static assets served from memory (no inline styles or scripts: the CSP forbids them).
public enum Assets {
    public static let css = """
        :root{--ink:#1d2430;--muted:#5b6474;--line:#d9dee7;--bg:#f6f7fb;--card:#fff;--brand:#3b4cca;--brand-ink:#fff;
        --ok:#1f7a45;--err:#b3261e;--info:#2957a4;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);line-height:1.5}
        a{color:var(--brand)}a:focus,button:focus,input:focus,select:focus{outline:3px solid #ffb300;outline-offset:1px}
        .topbar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.6rem 1rem;background:var(--card);border-bottom:1px solid var(--line)}
        .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--brand)}
        .topbar nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}
        .topbar nav a{text-decoration:none;color:var(--ink)}.topbar nav a[aria-current=page]{font-weight:700;border-bottom:2px solid var(--brand)}
        .who{margin-left:auto;display:flex;gap:.75rem;align-items:center}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;margin:.5rem 0}.lead{color:var(--muted);margin-top:0}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
        .card h2{font-size:1.1rem;margin-top:0}.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}
        form.inline{display:inline}.field{margin:.75rem 0}label{display:block;font-weight:600;margin-bottom:.2rem}
        input[type=text],input[type=email],input[type=password],input[type=search],input[type=date],select{width:100%;max-width:28rem;padding:.5rem;border:1px solid var(--line);border-radius:6px;font:inherit}
        fieldset.checks{border:1px solid var(--line);border-radius:6px;max-width:28rem}.check{display:flex;gap:.5rem;align-items:center}.check label{font-weight:400;margin:0}
        button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:0;background:var(--brand);color:var(--brand-ink);cursor:pointer}
        button.link{background:none;color:var(--brand);padding:0;text-decoration:underline}button.danger{background:var(--err)}
        .hint{color:var(--muted);font-size:.9rem;margin:.2rem 0}.field-error{color:var(--err);font-size:.9rem;margin:.2rem 0}
        .flash{padding:.6rem .8rem;border-radius:6px;border:1px solid}.flash.success{color:var(--ok);background:#e8f5ec}.flash.error{color:var(--err);background:#fbeaea}.flash.info{color:var(--info);background:#e9f0fb}
        .table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
        table{border-collapse:collapse;width:100%}caption{text-align:left;padding:.5rem .75rem;color:var(--muted)}
        th,td{text-align:left;padding:.45rem .75rem;border-top:1px solid var(--line);vertical-align:top}th{background:#eef1f7;font-size:.9rem}
        .badge{display:inline-block;background:#eef1f7;border:1px solid var(--line);border-radius:99px;padding:0 .5rem;font-size:.8rem;margin:0 .2rem .2rem 0}
        .empty{color:var(--muted);font-style:italic}.pager{margin:1rem 0}
        .secret{background:#fff8e1;border:1px solid #f0c36d;border-radius:6px;padding:.75rem;margin:1rem 0}.secret code{word-break:break-all;font-size:1rem}
        .filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters .field{min-width:10rem}
        dl.details{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;margin:0}dl.details dt{font-weight:600;color:var(--muted)}dl.details dd{margin:0;overflow-wrap:anywhere}
        .narrow{max-width:28rem}.stat{font-size:2rem;font-weight:700}
        @media (max-width:40rem){.who{margin-left:0;width:100%}main{padding:.75rem}dl.details{grid-template-columns:1fr}dl.details dd{margin-bottom:.4rem}}
        """

    /// Progressive enhancement only: pages work without it.
    public static let javascript = """
        document.addEventListener('submit', function (event) {
          var message = event.target.getAttribute('data-confirm');
          if (message && !window.confirm(message)) { event.preventDefault(); }
        });
        """
}
