"""The page watcher catches what it must: otherwise every journey would pass blind."""

from __future__ import annotations

from tests.browser.support import new_account, sign_in


def test_the_watcher_reports_each_kind_of_problem(live_server, page):
    _org, email = new_account(live_server.app)
    sign_in(page, email)
    page.evaluate("""() => {
      const s = document.createElement("script");
      s.textContent = "window.__inline = 1";   // refused by script-src 'self'
      document.body.appendChild(s);
      document.body.setAttribute("style", "color: red");  // refused by style-src 'self'
      console.error("something broke");
      setTimeout(() => { throw new Error("uncaught on purpose"); }, 0);
      return fetch("/no-such-page").then((r) => r.status);
    }""")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
    page.watch.flush()
    problems = "\n".join(page.watch.problems)
    assert page.evaluate("() => window.__inline") is None
    assert "CSP violation: script-src-elem blocked inline" in problems, problems
    assert "CSP violation: style-src-attr blocked inline" in problems, problems
    assert "console error: something broke" in problems
    assert "uncaught error: uncaught on purpose" in problems
    assert "HTTP 404: GET " in problems and "/no-such-page" in problems
    page.watch.problems.clear()  # seen: the test itself passes
