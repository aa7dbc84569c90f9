import { Button } from "./Button";
import { Icon } from "./Icon";

interface PaginationProps {
  page: number;
  hasMore: boolean;
  onPage: (page: number) => void;
  label?: string;
}

export function Pagination({ page, hasMore, onPage, label = "Pagination" }: PaginationProps) {
  return (
    <nav aria-label={label} className="flex items-center justify-end gap-3 px-4 py-3">
      <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => onPage(page - 1)} icon={<Icon name="arrowLeft" />}>
        Previous
      </Button>
      <span className="text-sm text-slate-700" aria-live="polite">
        Page {page}
      </span>
      <Button variant="secondary" size="sm" disabled={!hasMore} onClick={() => onPage(page + 1)}>
        Next
        <Icon name="arrowRight" />
      </Button>
    </nav>
  );
}
