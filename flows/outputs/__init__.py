"""What leaves the warehouse: the regional delivery, the council report, ad-hoc queries, notices."""
