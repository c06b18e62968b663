import { Conflict, InvalidState, Unauthorized } from '@shop/platform/errors'

/** Wrong email or wrong password: one message for both, so the answer does not reveal which. */
export class InvalidCredentials extends Unauthorized {
  constructor() {
    super('The email or password is incorrect')
  }
}

/** A refresh token that is unknown, expired, already used or from a revoked session. */
export class InvalidRefreshToken extends Unauthorized {
  constructor() {
    super('The refresh token is not valid; sign in again')
  }
}

export class EmailTaken extends Conflict {
  constructor() {
    super('An account with this email already exists')
  }
}

/** Taking the admin role from the only administrator (409 invalid_state): nobody could grant it again. */
export class LastAdmin extends InvalidState {
  constructor() {
    super('This is the only administrator; make someone else an admin first')
  }
}

/** PUT /auth/password with a current password that is not the account's. */
export class WrongCurrentPassword extends Unauthorized {
  constructor() {
    super('The current password is incorrect')
  }
}
