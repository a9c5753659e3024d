"""The streamlit side of Porte-voix, the only package that imports streamlit.

- `shell`: settings, cached engine, language, the page guard, reads and writes as the signed-in
  person, flash messages, sign-out.
- `sign_in`, `navigation`: what app.py runs around every page.
- `widgets`, `downloads`, `standings`: pieces shared by several screens.
- one module (or package, for participation) per screen, holding its sections: the pages in
  `pages/` only wire them.
"""
