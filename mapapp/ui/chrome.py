"""Streamlit's own words on the page (placeholders, the uploader, table tools) in the page's language.

Streamlit has no setting for the language of its built-in texts ("Choose an option", "Drag and drop
file here", "Select all" ...). A small script watches the page and replaces those exact texts,
and the attributes that carry them (placeholder, title, aria-label), while the page is Chinese.
The hints "Press Enter to submit form/apply" are hidden instead: the buttons say what to do.
"""

from __future__ import annotations

import json

import streamlit as st

# Exact texts (after trimming) -> Chinese. Patterns with a number go in PATTERNS_ZH.
TEXTS_ZH = {
    "Choose an option": "请选择", "Choose options": "请选择", "Select all": "全选", "No results": "无匹配项",
    "Clear all": "全部清除", "Clear value": "清除", "No options to select": "无可选项", "No options to select.": "无可选项",
    "Drag and drop file here": "将文件拖放到此处", "Drag and drop a file here": "将文件拖放到此处",
    "Drag and drop files here": "将文件拖放到此处", "Browse files": "选择文件", "Upload": "上传", "Add files": "添加文件",
    "Download as CSV": "下载 CSV", "Download": "下载", "Search": "搜索", "Fullscreen": "全屏", "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Running...": "运行中……", "Stop": "停止", "Rerun": "重新运行",
    "Delete": "删除", "Remove file": "移除文件", "Open": "展开", "Close": "关闭",
    "Selected values": "已选项", "Decrement": "减小", "Increment": "增大", "Clear": "清除",
}
PATTERNS_ZH = [
    (r"^Limit (\S+) per file(.*)$", "每个文件不超过 $1$2"),
    (r"^(\S+) per file(.*)$", "每个文件不超过 $1$2"),
    (r"^Help for (.+)$", "$1 的说明"),
    (r"^Select (\d+) matches$", "选择 $1 个匹配项"),
    (r"^Remove (.+)$", "移除 $1"),
]

_CSS = """
<style>
  [data-testid="InputInstructions"] { display: none !important; }
  .stMainBlockContainer { padding-top: 2.2rem; }
</style>
"""

_SCRIPT = """
<script>
(function () {
  var doc = window.parent && window.parent.document && window.parent !== window ? window.parent.document : document;
  var win = doc.defaultView || window;
  win.__mapappLang = %(lang)s;
  win.__mapappTexts = %(texts)s;
  win.__mapappPatterns = %(patterns)s.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  if (win.__mapappObserver) { win.__mapappTranslate(doc.body); return; }
  // Texts this script put in while the page was Chinese are put back when it turns English.
  win.__mapappBack = {};
  Object.keys(win.__mapappTexts).forEach(function (en) { win.__mapappBack[win.__mapappTexts[en]] = en; });
  function say(value) {
    if (!value) { return null; }
    var key = value.trim();
    if (win.__mapappLang !== 'zh') {
      return Object.prototype.hasOwnProperty.call(win.__mapappBack, key) ? value.replace(key, win.__mapappBack[key]) : null;
    }
    if (Object.prototype.hasOwnProperty.call(win.__mapappTexts, key)) { return value.replace(key, win.__mapappTexts[key]); }
    for (var i = 0; i < win.__mapappPatterns.length; i++) {
      var p = win.__mapappPatterns[i];
      if (p[0].test(key)) { return key.replace(p[0], p[1]); }
    }
    return null;
  }
  function node(n) {
    if (n.nodeType === 3) { var s = say(n.nodeValue); if (s !== null && s !== n.nodeValue) { n.nodeValue = s; } return; }
    if (n.nodeType !== 1 || n.tagName === 'SCRIPT' || n.tagName === 'STYLE' || n.tagName === 'IFRAME') { return; }
    ['placeholder', 'title', 'aria-label'].forEach(function (a) {
      var v = n.getAttribute(a); var s = say(v); if (s !== null && s !== v) { n.setAttribute(a, s); }
    });
  }
  win.__mapappTranslate = function (root) {
    if (!root) { return; }
    node(root);
    var walker = doc.createTreeWalker(root, 5 /* elements and text */);
    while (walker.nextNode()) { node(walker.currentNode); }
  };
  win.__mapappObserver = new win.MutationObserver(function (changes) {
    changes.forEach(function (c) {
      if (c.type === 'characterData') { node(c.target); }
      else if (c.type === 'attributes') { node(c.target); }
      else { c.addedNodes.forEach(function (n) { win.__mapappTranslate(n); }); }
    });
  });
  win.__mapappObserver.observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                          attributeFilter: ['placeholder', 'title', 'aria-label']});
  win.__mapappTranslate(doc.body);
})();
</script>
"""


def chrome_ui(lang: str) -> None:
    """Page-wide CSS, and the translator of Streamlit's own texts (inert on the English page)."""
    script = _SCRIPT % {"lang": json.dumps(lang), "texts": json.dumps(TEXTS_ZH, ensure_ascii=False),
                        "patterns": json.dumps(PATTERNS_ZH)}
    with st.sidebar:
        st.html(_CSS + script, unsafe_allow_javascript=True)
