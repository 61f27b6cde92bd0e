// Reading users page by page. Without a filter: offset paging (page/limit), which knows the
// total. With a filter (name or email prefix, status): token paging, which the server requires
// for filters; "previous" replays the tokens seen on the way.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { UserStatus, type ListUsersRequestSchema, type User } from "./gen/user_pb";
import type { UserClient } from "./api";

export interface Filter {
  text: string;
  field: "name" | "email";
  status: UserStatus | undefined;
}

export interface Page {
  users: User[];
  label: string;
  hasPrevious: boolean;
  hasNext: boolean;
}

export class UserPager {
  private page = 0;
  private tokens: string[] = [""];
  private nextToken = "";

  constructor(
    private readonly client: UserClient,
    public limit = 10,
    public filter: Filter = { text: "", field: "name", status: undefined },
  ) {}

  private get filtered(): boolean {
    return this.filter.text.trim() !== "" || this.filter.status !== undefined;
  }

  reset(): void {
    this.page = 0;
    this.tokens = [""];
    this.nextToken = "";
  }

  next(): void {
    if (this.filtered) {
      this.tokens.push(this.nextToken);
    }
    this.page += 1;
  }

  previous(): void {
    if (this.filtered) {
      this.tokens.pop();
    }
    this.page = Math.max(0, this.page - 1);
  }

  /** Moves to the last page of the unfiltered list (where a new user lands). */
  last(total: number): void {
    if (!this.filtered) {
      this.page = Math.max(0, Math.ceil(total / this.limit) - 1);
    }
  }

  async load(): Promise<Page & { total: number }> {
    if (!this.filtered) {
      const response = await this.client.listUsers({ page: this.page, limit: this.limit });
      const pages = Math.max(1, Math.ceil(response.total / this.limit));
      return {
        users: response.users,
        total: response.total,
        label: `Page ${this.page + 1} of ${pages} · ${response.total} users`,
        hasPrevious: this.page > 0,
        hasNext: this.page + 1 < pages,
      };
    }
    const text = this.filter.text.trim();
    const request: MessageInitShape<typeof ListUsersRequestSchema> = {
      pageSize: this.limit,
      pageToken: this.tokens[this.tokens.length - 1] ?? "",
      statusFilter: this.filter.status,
      namePrefix: this.filter.field === "name" ? text : "",
      emailPrefix: this.filter.field === "email" ? text : "",
    };
    const response = await this.client.listUsers(request);
    this.nextToken = response.nextPageToken;
    return {
      users: response.users,
      total: -1,
      label: `Page ${this.page + 1} · matching users`,
      hasPrevious: this.page > 0,
      hasNext: response.nextPageToken !== "",
    };
  }
}
