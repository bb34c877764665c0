/* test_normalize.c - each artefact the normalisation pass removes, the offset map, the line index. */
#include <stdlib.h>

#include "check.h"
#include "rr_internal.h"

/* Normalises s and returns a static copy of the result ("<EUTF8@n>" on bad input). */
static const char *norm(const char *s) {
  static char out[4096];
  rr_text t;
  size_t bad = 0;
  int rc = rr_normalize(s, strlen(s), &t, &bad);
  if (rc == RR_NORM_EUTF8) {
    snprintf(out, sizeof out, "<EUTF8@%zu>", bad);
    return out;
  }
  if (rc != RR_NORM_OK) return "<error>";
  snprintf(out, sizeof out, "%s", t.s);
  rr_text_free(&t);
  return out;
}

int main(void) {
  /* full-width ASCII and ideographic space */
  CHECK_STR(norm("ＡＢＣ１２３：；（）"), "ABC123:;()");
  CHECK_STR(norm("a\xE3\x80\x80" "b"), "a b");
  /* Kangxi radicals and CJK compatibility ideographs fold as NFKC does */
  CHECK_STR(norm("\xE2\xBC\xA4\xE2\xBE\x8F"), "大行");                 /* ⼤⾏ */
  CHECK_STR(norm("\xEF\xA4\x80"), "\xE8\xB1\x88");                       /* U+F900 -> U+8C48 */
  /* circled numbers stay: they number list items */
  CHECK_STR(norm("①风险"), "①风险");
  /* bullets: private use and dingbats become one mark */
  CHECK_STR(norm("\xEF\x81\xAC 建议关注"), "• 建议关注");              /* U+F06C */
  CHECK_STR(norm("\xEF\x83\x98 风险提示"), "• 风险提示");              /* U+F0D8 */
  CHECK_STR(norm("➢ a\n➤ b\n▶ c\n⚫ d\n■ e\n□ f\n• g"), "• a\n• b\n• c\n• d\n• e\n• f\n• g");
  /* Markdown dashes are list markers, left alone */
  CHECK_STR(norm("- item"), "- item");
  /* line ends */
  CHECK_STR(norm("a\r\nb\rc\fd"), "a\nb\nc\nd");
  /* soft hyphen and zero-width characters removed */
  CHECK_STR(norm("co\xC2\xADop\xE2\x80\x8B" "er"), "cooper");
  /* spaces: none between CJK, one elsewhere, none at the ends or next to tabs */
  CHECK_STR(norm("寒 武 纪"), "寒武纪");
  CHECK_STR(norm("  AI   大模型  "), "AI 大模型");
  CHECK_STR(norm("2024 年 6 月"), "2024 年 6 月");
  CHECK_STR(norm("a \t b"), "a\tb");
  CHECK_STR(norm("\t持有\t未来"), "\t持有\t未来");
  CHECK_STR(norm("市场 ，上涨"), "市场,上涨");          /* the comma was CJK before it folded */
  /* BOM and invalid bytes */
  CHECK_STR(norm("\xEF\xBB\xBFok"), "ok");
  CHECK_STR(norm("ab\xFF"), "<EUTF8@2>");
  CHECK_STR(norm("ab\xE4\xB8"), "<EUTF8@2>");            /* truncated sequence */
  CHECK_STR(norm("\xED\xA0\x80"), "<EUTF8@0>");         /* surrogate */
  CHECK_STR(norm("\xC0\xAF"), "<EUTF8@0>");             /* overlong */
  CHECK_STR(norm(""), "");

  /* the offset map: every normalised offset maps back to the original character */
  {
    const char *src = " 寒 武纪，ＡＩ  模型\r\n第二行";
    rr_text t;
    CHECK(rr_normalize(src, strlen(src), &t, NULL) == RR_NORM_OK);
    CHECK_STR(t.s, "寒武纪,AI 模型\n第二行");
    const char *n = t.s;
    CHECK(rr_text_orig_offset(&t, 0) == 1);                               /* 寒 */
    CHECK(rr_text_orig_offset(&t, strstr(n, "武") - n) == 5);
    CHECK(rr_text_orig_offset(&t, strstr(n, ",") - n) == 11);            /* ， */
    CHECK(rr_text_orig_offset(&t, strstr(n, "AI") - n) == 14);           /* Ａ */
    CHECK(rr_text_orig_offset(&t, strstr(n, "I") - n) == 17);            /* Ｉ */
    CHECK(rr_text_orig_offset(&t, strstr(n, "模") - n) == 22);
    CHECK(rr_text_orig_offset(&t, strstr(n, "第") - n) == 30);
    CHECK(memcmp(src + rr_text_orig_offset(&t, strstr(n, "第") - n), "第", 3) == 0);
    /* line index */
    CHECK(t.nlines == 2);
    CHECK(t.lines[0] == 0 && t.lines[1] == (uint32_t)(strstr(n, "第") - n));
    CHECK(t.lines[2] == t.len + 1);
    CHECK(t.nmap < 12);                  /* checkpoints, not one entry per byte */
    rr_text_free(&t);
  }
  {
    rr_text t;
    CHECK(rr_normalize("a\nb\n", 4, &t, NULL) == RR_NORM_OK);
    CHECK(t.nlines == 2 && t.lines[2] == 4);   /* a final newline adds no empty line */
    rr_text_free(&t);
    CHECK(rr_normalize("", 0, &t, NULL) == RR_NORM_OK);
    CHECK(t.nlines == 0 && t.len == 0);
    rr_text_free(&t);
  }
  return CHECK_DONE();
}
