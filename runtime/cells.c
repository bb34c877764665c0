/* cells.c - what a cell's text is to a spreadsheet: a number, a code that must stay text, a date, or text. */
#include <string.h>

#include "rr_internal.h"

#define SPREADSHEET_DIGITS 15   /* significant digits a spreadsheet keeps of a number */

static int digit(char c) { return c >= '0' && c <= '9'; }

/* A valid calendar date written YYYY-MM-DD. */
static int iso_date(const char *s, size_t n, rr_cell_type *c) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && !digit(s[i])) return 0;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap)) return 0;
  c->year = y;
  c->month = m;
  c->day = d;
  return 1;
}

rr_cell_type rr_cell_kind(const char *s, size_t n) {
  rr_cell_type c;
  memset(&c, 0, sizeof c);
  c.kind = RR_CELL_TEXT;
  if (n == 0 || n > 64) return c;
  if (iso_date(s, n, &c)) {
    c.kind = RR_CELL_DATE;
    return c;
  }
  size_t i = 0, sig = 0, first = 0;
  if (s[0] == '-' || s[0] == '+') i++;
  first = i;
  while (i < n && digit(s[i])) i++;
  size_t int_digits = i - first;
  if (int_digits == n && n > 1 && s[0] == '0') {   /* 000977: a code, not 977 */
    c.kind = RR_CELL_CODE;
    return c;
  }
  if (int_digits == n && n > SPREADSHEET_DIGITS) {   /* an ID a spreadsheet would round */
    c.kind = RR_CELL_CODE;
    return c;
  }
  if (int_digits == 0 || (int_digits > 1 && s[first] == '0')) return c;   /* .5, -007 */
  for (size_t k = first; k < i; k++) sig += sig || s[k] != '0';
  if (i < n && s[i] == '.') {
    size_t d0 = ++i;
    while (i < n && digit(s[i])) sig += sig || s[i] != '0', i++;
    if (i == d0) return c;                         /* "1." */
    c.decimals = (int)(i - d0);
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    size_t e0 = i;
    while (i < n && digit(s[i])) i++;
    if (i == e0 || i - e0 > 3) return c;
  }
  if (i + 1 == n && s[i] == '%') {
    c.percent = 1;
    i++;
  }
  if (i != n || sig > SPREADSHEET_DIGITS) return c;
  c.kind = RR_CELL_NUMBER;
  return c;
}
